using System.Globalization;
using ActorProxy.Runtime.Samples;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Maps;

/// <summary>
/// A node's side of the cluster's maps: sends the node's changes to the <see cref="MapSequencer"/>
/// and applies the ordered ones, in their order, to the node's references. A node that has not
/// the order's entries yet (it joins, or the sequencer moved) asks for them first and sends its
/// changes once it has them. Every map read stays local.
/// </summary>
public sealed class MapReplicator : ReceiveActor, IWithTimers
{
    /// <summary>The replicator's name under /user.</summary>
    public const string Name = "maps";

    private readonly MapReferences _maps;
    private readonly IActorRef _sequencer;
    private readonly string _self;
    private readonly ILogger _logger;
    private readonly SortedDictionary<long, MapChangeOrdered> _early = [];
    private readonly List<MapSnapshotRequest> _askedFor = [];
    private string? _epoch;
    private long _applied;
    private bool _asked;
    // The sequencer's last place at the previous word, while this node had not reached it.
    private long? _behind;

    /// <summary>The replicator of <paramref name="maps"/>; use <see cref="Props"/>.</summary>
    public MapReplicator(MapReferences maps, IActorRef sequencer, string self, ILogger logger)
    {
        _maps = maps;
        _sequencer = sequencer;
        _self = self;
        _logger = logger;
        Receive<ProposeMapChange>(proposed =>
        {
            // Before the node has the order's entries its changes wait, pending in their maps.
            if (_epoch is not null)
            {
                _sequencer.Tell(proposed);
            }
        });
        Receive<StartMapEpoch>(start =>
        {
            Adopt(start.Epoch, 0);
            Sender.Tell(new MapEpochStarted(start.Epoch));
        });
        Receive<MapChangeOrdered>(Ordered);
        Receive<MapSnapshotRequest>(request =>
        {
            _askedFor.Add(request);
            Answer();
        });
        Receive<MapSnapshot>(Restore);
        Receive<FollowTick>(_ => _sequencer.Tell(new MapFollow(_epoch ?? "", _applied)));
        Receive<MapSequenceAt>(at =>
        {
            if (at.Epoch != _epoch || at.Sequence <= _applied)
            {
                _behind = null;
                return;
            }
            if (_behind is { } behind && _applied < behind)
            {
                // Still short of what was ordered a word ago: a change was lost on its way.
                _asked = false;
                Ask();
            }
            _behind = at.Sequence;
        });
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The replicator's props; <paramref name="self"/> is the node's unique id.</summary>
    public static Props Props(MapReferences maps, IActorRef sequencer, string self, ILogger logger) =>
        Akka.Actor.Props.Create(() => new MapReplicator(maps, sequencer, self, logger));

    /// <summary>Where the node's references send their changes: to this actor.</summary>
    public sealed class Proposer(IActorRef replicator, string self) : IMapReplication
    {
        /// <inheritdoc/>
        public void Propose(MapReference map, MapChange change) => replicator.Tell(new ProposeMapChange(map.Id, map.Name, change, self));
    }

    /// <inheritdoc/>
    protected override void PreStart()
    {
        // The node's unique id (a random 64-bit number) picks its entries' prefix: 24 bits, so two
        // nodes of a cluster share one about once in sixteen million pairs.
        _maps.EntryPrefix = ((long.Parse(_self, CultureInfo.InvariantCulture) & 0xFF_FFFF) | 1) << 32;
        _maps.Replication = new Proposer(Self, _self);
        Ask();
        var interval = Context.System.Settings.Config.GetTimeSpan("actorproxy.maps.follow-interval", TimeSpan.FromSeconds(1));
        Timers.StartPeriodicTimer(nameof(FollowTick), FollowTick.Instance, interval);
    }

    /// <inheritdoc/>
    protected override void PostStop() => _maps.Replication = null;

    private void Ordered(MapChangeOrdered ordered)
    {
        if (ordered.Epoch != _epoch)
        {
            // Another order than this node's (it joined, or the sequencer moved): its entries first.
            if (_early.Count > 0 && _early.Values.First().Epoch != ordered.Epoch)
            {
                _early.Clear();
            }
            _early[ordered.Sequence] = ordered;
            Ask();
            return;
        }
        if (ordered.Sequence <= _applied)
        {
            return;
        }
        _early[ordered.Sequence] = ordered;
        ApplyInOrder();
        if (_early.Count > 0)
        {
            // A change is missing before these (lost on its way): the entries again, from the sequencer's node.
            Ask();
        }
    }

    private void ApplyInOrder()
    {
        while (_early.Count > 0 && _early.Keys.First() is var next && next <= _applied + 1)
        {
            var ordered = _early[next];
            _early.Remove(next);
            if (ordered.Epoch != _epoch || next <= _applied)
            {
                continue;
            }
            if (MapOf(ordered.MapId, ordered.MapName) is { } map)
            {
                map.Confirm(ordered.Change, own: ordered.Origin == _self);
            }
            _applied = next;
        }
        Answer();
    }

    // The node takes the order's entries, then the changes that came after them.
    private void Restore(MapSnapshot snapshot)
    {
        if (snapshot.Sequence < 0)
        {
            // The node asked was past that point: ask again.
            _asked = false;
            Ask();
            return;
        }
        if (snapshot.Epoch == _epoch && snapshot.Sequence <= _applied)
        {
            return;
        }
        foreach (var part in snapshot.Maps)
        {
            MapOf(part.MapId, part.MapName)?.Reset(part.Entries);
        }
        _logger.LogInformation("maps: this node took the cluster's entries (epoch {Epoch}, change {Sequence})", snapshot.Epoch, snapshot.Sequence);
        Adopt(snapshot.Epoch, snapshot.Sequence);
    }

    // From now on the node follows the order <epoch> from <applied>; its changes not yet ordered go to it.
    private void Adopt(string epoch, long applied)
    {
        bool newOrder = epoch != _epoch;
        _epoch = epoch;
        _applied = applied;
        _asked = false;
        foreach (long stale in _early.Where(e => e.Value.Epoch != epoch || e.Key <= applied).Select(e => e.Key).ToList())
        {
            _early.Remove(stale);
        }
        if (newOrder)
        {
            foreach (var map in _maps.All)
            {
                foreach (var change in map.Pending)
                {
                    _sequencer.Tell(new ProposeMapChange(map.Id, map.Name, change, _self));
                }
            }
        }
        ApplyInOrder();
    }

    private void Ask()
    {
        if (!_asked)
        {
            _asked = true;
            _sequencer.Tell(new MapSnapshotRequest("", 0, Self));
        }
    }

    // Requests for this node's entries, answered once it has applied as far as the sequencer had ordered.
    private void Answer()
    {
        foreach (var request in _askedFor.ToList())
        {
            if (request.Epoch == _epoch && request.Sequence == _applied)
            {
                request.ReplyTo.Tell(new MapSnapshot(request.Epoch, _applied,
                    [.. _maps.All.Select(m => new MapSnapshotPart(m.Id, m.Name, m.Confirmed))]));
                _askedFor.Remove(request);
            }
            else if (request.Epoch != _epoch || request.Sequence < _applied)
            {
                // Asked of an order this node no longer follows, or passed: the asker asks again.
                _askedFor.Remove(request);
                request.ReplyTo.Tell(new MapSnapshot(request.Epoch, -1, []));
            }
        }
    }

    private sealed class FollowTick
    {
        public static FollowTick Instance { get; } = new();
    }

    private MapReference? MapOf(int id, string name)
    {
        var map = _maps.Find("#" + id.ToString(CultureInfo.InvariantCulture));
        if (map is null || map.Name != name)
        {
            _logger.LogError("maps: change of map #{Id} '{Name}' from another node: this node's #{Id} is {Mine}; the configurations differ, and the change is not applied here",
                id, name, id, map is null ? "missing" : $"'{map.Name}'");
            return null;
        }
        return map;
    }
}
