using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ActorProxy.Runtime.Stick;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Stick;

/// <summary>
/// Shares a node's stick tables with the cluster (what HAProxy's <c>peers</c> do one way, last
/// writer wins): each table is one Akka.DistributedData last-writer-wins dictionary whose entries,
/// keyed "node|key", are each node's <see cref="StickShare"/> of a key, written by that node alone.
/// Every <c>actorproxy.stick-tables.replicate-interval</c> it writes what this node changed
/// (locally: the replicator's deltas carry it to the others); what the others wrote it adds into
/// the local entries, so that every read is local and sums the whole cluster. A node that leaves
/// the cluster takes its shares with it.
/// </summary>
public sealed class StickTableReplicator : ReceiveActor, IWithTimers
{
    /// <summary>The replicator's name under /user.</summary>
    public const string Name = "stick-tables";

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ILogger _logger;
    private readonly string _self;
    private readonly Dictionary<string, Replicated> _byKey = new(StringComparer.Ordinal);
    // Nodes that left: what still arrives of theirs (gossip in flight) is not added back.
    private readonly HashSet<string> _gone = new(StringComparer.Ordinal);
    // The other members up: while there is none, nothing is written (no one would read it).
    private readonly HashSet<string> _others = new(StringComparer.Ordinal);

    /// <summary>Creates the replicator of <paramref name="tables"/>; use <see cref="Props"/>.</summary>
    public StickTableReplicator(IReadOnlyList<StickTable> tables, ILogger logger)
    {
        _logger = logger;
        _self = NodeOf(_cluster.SelfUniqueAddress);
        foreach (var table in tables)
        {
            var replicated = new Replicated(table);
            _byKey[replicated.Key.Id] = replicated;
        }

        Receive<Flush>(_ => FlushChanges());
        Receive<Changed>(changed =>
        {
            if (_byKey.TryGetValue(changed.Key.Id, out var replicated))
            {
                AddOthersShares(replicated, changed.Get(replicated.Key));
            }
        });
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            string node = NodeOf(removed.Member.UniqueAddress);
            _others.Remove(node);
            ForgetNode(node);
        });
        Receive<ClusterEvent.MemberUp>(up =>
        {
            string node = NodeOf(up.Member.UniqueAddress);
            if (node != _self && _others.Add(node) && _others.Count == 1)
            {
                // The first other node: it gets every share this node counted alone.
                WriteAll();
            }
        });
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(failure => _logger.LogError("stick table replication: the local write of {Key} failed: {Failure}", failure.Key.Id, failure));
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The replicator's props; <paramref name="tables"/> are the node's configured tables.</summary>
    public static Props Props(IReadOnlyList<StickTable> tables, ILogger logger) =>
        Akka.Actor.Props.Create(() => new StickTableReplicator(tables, logger));

    /// <inheritdoc/>
    protected override void PreStart()
    {
        foreach (var replicated in _byKey.Values)
        {
            _replicator.Tell(Dsl.Subscribe(replicated.Key, Self));
            _logger.LogInformation("stick table '{Table}' is shared with the cluster ({Shape})", replicated.Table.Name, replicated.Table.Settings.Shape);
        }
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved));
        var interval = Context.System.Settings.Config.GetTimeSpan("actorproxy.stick-tables.replicate-interval", TimeSpan.FromMilliseconds(100));
        Timers.StartPeriodicTimer(nameof(Flush), Flush.Instance, interval);
    }

    /// <inheritdoc/>
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    // This node's changed shares go into the replicated dictionary, its dropped keys out of it;
    // alone, it only takes them (WriteAll catches up when another node comes).
    private void FlushChanges()
    {
        foreach (var replicated in _byKey.Values)
        {
            var (changed, dropped) = replicated.Table.TakeChanges();
            if (_others.Count > 0 && (changed.Count > 0 || dropped.Count > 0))
            {
                Write(replicated, changed, dropped.Select(key => $"{_self}|{key}").ToList());
            }
        }
    }

    // Every share of this node, and out with what it wrote before of keys it no longer has.
    private void WriteAll()
    {
        foreach (var replicated in _byKey.Values)
        {
            var all = replicated.Table.TakeAll();
            var current = all.Select(s => $"{_self}|{s.Key}").ToHashSet(StringComparer.Ordinal);
            var stale = replicated.Written.Where(id => !current.Contains(id)).ToList();
            Write(replicated, all, stale);
        }
    }

    private void Write(Replicated replicated, IReadOnlyList<(string Key, StickSlot Slot)> changed, IReadOnlyList<string> removed)
    {
        var shares = changed.Select(c => (Id: $"{_self}|{c.Key}", Share: StickShare.Of(c.Slot, replicated.Shape))).ToList();
        replicated.Written.UnionWith(shares.Select(s => s.Id));
        replicated.Written.ExceptWith(removed);
        var self = _cluster.SelfUniqueAddress;
        _replicator.Tell(Dsl.Update(replicated.Key, LWWDictionary<string, StickShare>.Empty, WriteLocal.Instance, dictionary =>
        {
            foreach (var (id, share) in shares)
            {
                dictionary = dictionary.SetItem(self, id, share);
            }
            foreach (string id in removed)
            {
                dictionary = dictionary.Remove(self, id);
            }
            return dictionary;
        }));
    }

    // What the other nodes wrote since the last notification goes into the local entries; what
    // they removed comes out.
    private void AddOthersShares(Replicated replicated, LWWDictionary<string, StickShare> dictionary)
    {
        var entries = dictionary.Entries;
        foreach (var (id, share) in entries)
        {
            var (node, key) = Split(id);
            if (node == _self || _gone.Contains(node) ||
                (replicated.Seen.TryGetValue(id, out var known) && ReferenceEquals(known, share)))
            {
                continue;
            }
            replicated.Seen[id] = share;
            if (share.Shape != replicated.Shape)
            {
                if (replicated.Misfits.Add(node))
                {
                    _logger.LogError("stick table '{Table}': node {Node} defines it otherwise than this node ({Shape}); its counts are not added until both configurations agree on the key and the stored data",
                        replicated.Table.Name, node, replicated.Table.Settings.Shape);
                }
                continue;
            }
            try
            {
                replicated.Table.Merge(node, key, share.ToSlot());
            }
            catch (ArgumentException e)
            {
                _logger.LogError("stick table replication: a share from node {Node} is refused: {Reason}", node, e.Message);
            }
        }
        foreach (string id in replicated.Seen.Keys.Where(id => !entries.ContainsKey(id)).ToList())
        {
            replicated.Seen.Remove(id);
            var (node, key) = Split(id);
            replicated.Table.Merge(node, key, null);
        }
    }

    // A node that left counts nothing any more: its shares go here, and out of the dictionary
    // (every survivor removes them; removing twice is harmless).
    private void ForgetNode(string node)
    {
        if (node == _self || !_gone.Add(node))
        {
            return;
        }
        var self = _cluster.SelfUniqueAddress;
        foreach (var replicated in _byKey.Values)
        {
            replicated.Table.ForgetNode(node);
            var ids = replicated.Seen.Keys.Where(id => Split(id).Node == node).ToList();
            foreach (string id in ids)
            {
                replicated.Seen.Remove(id);
            }
            replicated.Misfits.Remove(node);
            if (ids.Count > 0)
            {
                _replicator.Tell(Dsl.Update(replicated.Key, LWWDictionary<string, StickShare>.Empty, WriteLocal.Instance,
                    dictionary => ids.Aggregate(dictionary, (d, id) => d.Remove(self, id))));
            }
        }
        _logger.LogInformation("stick tables: node {Node} left the cluster; its counts are dropped", node);
    }

    // A node's name in the dictionary's keys: its unique id, which a restarted node does not reuse.
    private static string NodeOf(UniqueAddress address) => address.Uid.ToString(CultureInfo.InvariantCulture);

    private static (string Node, string Key) Split(string id)
    {
        int bar = id.IndexOf('|', StringComparison.Ordinal);
        return (id[..bar], id[(bar + 1)..]);
    }

    // One table as it is replicated: its dictionary's key, the digest of its shape, and the
    // other nodes' shares as last added.
    private sealed class Replicated(StickTable table)
    {
        public StickTable Table { get; } = table;

        public LWWDictionaryKey<string, StickShare> Key { get; } = new("stick-table:" + table.Name);

        public string Shape { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(table.Settings.Shape)))[..16];

        public Dictionary<string, StickShare> Seen { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Misfits { get; } = new(StringComparer.Ordinal);

        // The ids of this node's shares in the dictionary.
        public HashSet<string> Written { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Flush
    {
        public static Flush Instance { get; } = new();
    }
}
