using Akka.Actor;

namespace ActorProxy.Actors.Maps;

/// <summary>
/// The cluster's one order of map and ACL changes (a cluster singleton): each node's change gets
/// the next place and goes to every node's replicator that follows the order, so that all apply
/// the same changes in the same order and their entries stay alike — what HAProxy's
/// per-process maps cannot be across processes. A replicator follows from the moment it asks for
/// the entries (its own node's, for the sequencer's node), so it misses no change after them. A
/// sequencer that starts (first, or on a survivor when its node left) begins a new epoch from its
/// own node's entries; the other nodes find it at their next <see cref="MapFollow"/>, take its
/// entries and send again their changes not yet ordered.
/// </summary>
public sealed class MapSequencer : ReceiveActor, IWithUnboundedStash
{
    /// <summary>The singleton manager's name under /user.</summary>
    public const string ManagerName = "map-sequencer";

    private readonly IActorRef _local;
    private readonly string _epoch = Guid.NewGuid().ToString("N");
    private readonly HashSet<IActorRef> _followers = [];
    private long _sequence;

    /// <summary>A sequencer on the node whose replicator is <paramref name="local"/>; use <see cref="Props"/>.</summary>
    public MapSequencer(IActorRef local)
    {
        _local = local;
        Receive<MapEpochStarted>(started => started.Epoch == _epoch, _ =>
        {
            Follow(_local);
            Become(Ordering);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    /// <inheritdoc/>
    public IStash Stash { get; set; } = null!;

    /// <summary>The sequencer's props, for the singleton manager of each node.</summary>
    public static Props Props(IActorRef local) => Akka.Actor.Props.Create(() => new MapSequencer(local));

    /// <inheritdoc/>
    protected override void PreStart() => _local.Tell(new StartMapEpoch(_epoch), Self);

    private void Ordering()
    {
        Receive<ProposeMapChange>(proposed =>
        {
            _sequence++;
            var ordered = new MapChangeOrdered(_epoch, _sequence, proposed.MapId, proposed.MapName, proposed.Change, proposed.Origin);
            foreach (var follower in _followers)
            {
                follower.Tell(ordered);
            }
        });
        Receive<MapSnapshotRequest>(request => Welcome(request.ReplyTo));
        Receive<MapFollow>(follow =>
        {
            if (follow.Epoch != _epoch || !_followers.Contains(Sender))
            {
                Welcome(Sender);
                return;
            }
            Sender.Tell(new MapSequenceAt(_epoch, _sequence));
        });
        Receive<Terminated>(gone => _followers.Remove(gone.ActorRef));
    }

    // From this change on the replicator gets every one; the entries up to it come from this node's replicator.
    private void Welcome(IActorRef replicator)
    {
        Follow(replicator);
        _local.Tell(new MapSnapshotRequest(_epoch, _sequence, replicator));
    }

    private void Follow(IActorRef replicator)
    {
        if (_followers.Add(replicator))
        {
            Context.Watch(replicator);
        }
    }
}
