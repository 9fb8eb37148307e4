using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Tests.Samples;

/// <summary>A map's entries in a cluster (<see cref="MapReferences.Replication"/>): a change shows
/// at once and goes to be ordered; the entries are the ordered changes, with this node's changes
/// not yet ordered replayed over them, so that every node ends alike whatever the order.</summary>
public sealed class MapReplicationTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();
    private readonly MapReferences _maps = new();
    private readonly Recorded _sent = new();

    public MapReplicationTests()
    {
        File.WriteAllText(_file, "a.test web\n");
        _maps.Replication = _sent;
    }

    [Fact]
    public void AChange_ShowsAtOnce_AndIsConfirmedOnlyOnceOrdered()
    {
        var map = _maps.GetOrRead(_file, "hosts.map");

        Assert.Null(map.Add("b.test", "api"));

        Assert.Equal(["a.test", "b.test"], map.Entries.Select(e => e.Key));
        Assert.Equal(["a.test"], map.Confirmed.Select(e => e.Key));
        var change = Assert.Single(_sent.Changes);
        long revision = map.Revision;
        map.Confirm(change, own: true);
        Assert.Equal(["a.test", "b.test"], map.Confirmed.Select(e => e.Key));
        Assert.Empty(map.Pending);
        // The entries did not change when it came back: the map's users rebuild nothing.
        Assert.Equal(revision, map.Revision);
    }

    [Fact]
    public void AnotherNodesChangeOrderedFirst_GoesBeforeThisNodesPendingOne()
    {
        var map = _maps.GetOrRead(_file, "hosts.map");
        Assert.Null(map.SetOrAdd("a.test", "mine"));

        map.Confirm(new MapChange(MapChangeKind.Set, "a.test", "theirs", 0), own: false);

        // This node's change, replayed over theirs, still shows until it comes back in its place.
        Assert.Equal("mine", map.Entries.Single().Value);
        map.Confirm(_sent.Changes.Single(), own: true);
        Assert.Equal("mine", map.Entries.Single().Value);
        Assert.Equal("mine", map.Confirmed.Single().Value);
    }

    [Fact]
    public void TheClustersEntries_ReplaceTheNodesOwn_ItsPendingChangesStayOnTop()
    {
        var map = _maps.GetOrRead(_file, "hosts.map");
        Assert.Null(map.Add("mine.test", "1"));

        map.Reset([new MapEntry(7, "cluster.test", "x", 0)]);

        Assert.Equal(["cluster.test", "mine.test"], map.Entries.Select(e => e.Key));
        Assert.Single(map.Pending);
    }

    [Fact]
    public void AnAddOrderedTwice_MakesOneEntry_AndEntryIdsCarryTheNodesPrefix()
    {
        _maps.EntryPrefix = 0x42L << 32;
        var map = _maps.GetOrRead(_file, "hosts.map");
        Assert.Null(map.Add("b.test", "api"));
        var change = _sent.Changes.Single();

        map.Confirm(change, own: true);
        map.Confirm(change, own: false);

        Assert.Equal(2, map.Entries.Count);
        Assert.Equal("0x004200000001", MapReference.Reference(map.Entries[1]));
        Assert.Equal("0x000000000001", MapReference.Reference(map.Entries[0]));
    }

    public void Dispose() => File.Delete(_file);

    private sealed class Recorded : IMapReplication
    {
        public List<MapChange> Changes { get; } = [];

        public void Propose(MapReference map, MapChange change) => Changes.Add(change);
    }
}
