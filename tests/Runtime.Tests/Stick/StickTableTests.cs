using ActorProxy.Runtime.Stick;
using Microsoft.Extensions.Time.Testing;

namespace ActorProxy.Runtime.Tests.Stick;

/// <summary>The table's life on a fake clock: entries expire unless tracked, a full table drops
/// its oldest untracked ones, and other nodes' shares add to this node's.</summary>
public sealed class StickTableTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000_000));

    private StickTable Table(string line = "type ip size 10 expire 10s store http_req_rate(10s),conn_cur,gpc0,gpt0") =>
        new(StickTableSettings.Parse("web", line), _time);

    [Fact]
    public void AnUntouchedEntry_ExpiresUnlessAStreamTracksIt()
    {
        var table = Table();
        var idle = table.GetOrCreate("10.0.0.1")!;
        var tracked = table.GetOrCreate("10.0.0.2")!;
        var counters = new StickCounters();
        counters.Track(0, table, tracked);
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(table.Lookup("10.0.0.1"));
        Assert.True(idle.Dropped);
        Assert.Same(tracked, table.Lookup("10.0.0.2"));
        counters.Release();
        Assert.Equal(0, tracked.Read(StickDataType.ConnCur, table.Now));
        // Letting go touches the entry, as HAProxy's stream end does: its expire starts again.
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Single(table.Entries());
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(table.Entries());
    }

    [Fact]
    public void AFullTable_DropsTheOldestUntrackedEntry_OrRefusesANewOne()
    {
        var table = Table("type integer size 2 expire 1m store gpc0");
        var counters = new StickCounters();
        counters.Track(0, table, table.GetOrCreate("1")!);
        table.GetOrCreate("2");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(table.GetOrCreate("3"));
        Assert.Equal(["1", "3"], table.Entries().Select(e => e.Key));
        counters.Track(1, table, table.Lookup("3")!);
        Assert.Null(table.GetOrCreate("4"));
    }

    [Fact]
    public void OtherNodesShares_AddToThisNodes_AndSetingACounterTakesThemIntoAccount()
    {
        var table = Table();
        var entry = table.GetOrCreate("10.0.0.1")!;
        entry.Add(StickDataType.Gpc0, StickDataType.Gpc0Rate, 2, table.Now);
        entry.Add(StickDataType.HttpReqCnt, StickDataType.HttpReqRate, 3, table.Now);
        var other = table.Layout.NewSlot();
        other.Counts[table.Layout.IndexOf(StickDataType.Gpc0)] = 5;
        other.Rates[table.Layout.IndexOf(StickDataType.HttpReqRate)].Add(table.Now, 10_000, 4);
        other.ExpireAt = table.Now + 10_000;
        table.Merge("node-b", "10.0.0.1", other);
        Assert.Equal(7, entry.Read(StickDataType.Gpc0, table.Now));
        Assert.Equal(7, entry.Read(StickDataType.HttpReqRate, table.Now));
        entry.Set(StickDataType.Gpc0, 0, table.Now);
        Assert.Equal(0, entry.Read(StickDataType.Gpc0, table.Now));
        table.ForgetNode("node-b");
        Assert.Equal(3, entry.Read(StickDataType.HttpReqRate, table.Now));
    }

    [Fact]
    public void Gpt0_IsTheLatestSetAcrossNodes()
    {
        var table = Table();
        var entry = table.GetOrCreate("10.0.0.1")!;
        entry.Set(StickDataType.Gpt0, 3, table.Now);
        var other = table.Layout.NewSlot();
        other.Counts[table.Layout.IndexOf(StickDataType.Gpt0)] = 9;
        other.Gpt0SetAt = table.Now + 1;
        table.Merge("node-b", "10.0.0.1", other);
        Assert.Equal(9, entry.Read(StickDataType.Gpt0, table.Now));
    }

    [Fact]
    public void ChangesAreTakenOnce_AndDroppedKeysWithThem()
    {
        var table = Table();
        table.GetOrCreate("10.0.0.1")!.Add(StickDataType.Gpc0, null, 1, table.Now);
        table.GetOrCreate("10.0.0.2");
        var (changed, dropped) = table.TakeChanges();
        Assert.Equal(["10.0.0.1", "10.0.0.2"], changed.Select(c => c.Key).Order());
        Assert.Empty(dropped);
        Assert.Empty(table.TakeChanges().Changed);
        Assert.True(table.Remove("10.0.0.2"));
        Assert.Equal(["10.0.0.2"], table.TakeChanges().Dropped);
    }

    [Fact]
    public void AShareOfAnotherShape_IsRefusedNamingTheNode()
    {
        var table = Table();
        var error = Assert.Throws<ArgumentException>(() => table.Merge("node-b", "10.0.0.1", new StickSlot([1], [])));
        Assert.Contains("node node-b stores other data", error.Message);
    }
}
