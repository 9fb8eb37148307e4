using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Stick;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Actors.Tests.Cluster;

/// <summary>
/// Three nodes of one cluster in this process, each with its own copy of one stick table: what
/// each counts, every node reads as the cluster's sum (issue #14, point 7); a short cut between
/// nodes delays the sum and heals; a node that leaves takes its counts with it.
/// </summary>
public sealed class StickTableClusterTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Line = "type ip size 1k expire 1m store http_req_cnt,http_req_rate(1m),conn_cur,gpc0,gpt0";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly Config Cuttable = ClusterNodes.Cuttable;

    private readonly LuaScripts _scripts = new();

    public StickTableClusterTests() : base(Cuttable, "cluster")
    {
    }

    [Fact]
    public async Task RequestsCountedOnEachNode_ReadAsTheClustersTotal_OnEveryNode()
    {
        var (nodes, tables) = await StartAsync(3);
        await using var _ = new ClusterNodes.Stopping(nodes);

        // 5 requests on node 1, 3 on node 2, 1 on node 3, all from one client address.
        int[] perNode = [5, 3, 1];
        for (int node = 0; node < nodes.Length; node++)
        {
            var entry = tables[node].GetOrCreate("10.0.0.1")!;
            for (int request = 0; request < perNode[node]; request++)
            {
                entry.Add(StickDataType.HttpReqCnt, StickDataType.HttpReqRate, 1, tables[node].Now);
            }
        }
        tables[2].GetOrCreate("10.0.0.2")!.Set(StickDataType.Gpt0, 7, tables[2].Now);

        foreach (var table in tables)
        {
            await AwaitAssertAsync(() =>
            {
                Assert.Equal(9, Read(table, "10.0.0.1", StickDataType.HttpReqCnt));
                Assert.Equal(9, Read(table, "10.0.0.1", StickDataType.HttpReqRate));
                Assert.Equal(7, Read(table, "10.0.0.2", StickDataType.Gpt0));
            }, Wait);
        }
    }

    [Fact]
    public async Task WhatANodeCountedAlone_ReachesTheNodeThatJoinsIt()
    {
        var first = await StartNodeAsync(ActorSystem.Create("cluster", Cuttable), Line);
        first.Table.GetOrCreate("10.0.0.1")!.Add(StickDataType.HttpReqCnt, StickDataType.HttpReqRate, 3, first.Table.Now);
        first.Table.GetOrCreate("10.0.0.2")!.Set(StickDataType.Gpt0, 5, first.Table.Now);
        // Dropped while alone: the joiner does not see it.
        first.Table.GetOrCreate("10.0.0.3");
        Assert.True(first.Table.Remove("10.0.0.3"));

        var second = await StartNodeAsync(ClusterNodes.Joining(Akka.Cluster.Cluster.Get(first.Node.System).SelfAddress, Cuttable), Line);
        await using var _ = new ClusterNodes.Stopping(first.Node, second.Node);

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(3, Read(second.Table, "10.0.0.1", StickDataType.HttpReqCnt));
            Assert.Equal(5, Read(second.Table, "10.0.0.2", StickDataType.Gpt0));
        }, Wait);
        Assert.Null(second.Table.Lookup("10.0.0.3"));
    }

    [Fact]
    public async Task SetTableOnOneNode_SetsTheClustersValue()
    {
        var (nodes, tables) = await StartAsync(2);
        await using var _ = new ClusterNodes.Stopping(nodes);
        tables[0].GetOrCreate("10.0.0.1")!.Add(StickDataType.Gpc0, StickDataType.Gpc0Rate, 4, tables[0].Now);
        await AwaitAssertAsync(() => Assert.Equal(4, Read(tables[1], "10.0.0.1", StickDataType.Gpc0)), Wait);

        // set table on node 2: its share is the difference, so the sum is what was set.
        tables[1].GetOrCreate("10.0.0.1")!.Set(StickDataType.Gpc0, 10, tables[1].Now);

        await AwaitAssertAsync(() => Assert.Equal(10, Read(tables[0], "10.0.0.1", StickDataType.Gpc0)), Wait);
        Assert.Equal(10, Read(tables[1], "10.0.0.1", StickDataType.Gpc0));
    }

    [Fact]
    public async Task CountsMadeDuringACut_ReachTheCutNode_OnceItHeals()
    {
        var (nodes, tables) = await StartAsync(3);
        await using var _ = new ClusterNodes.Stopping(nodes);
        tables[0].GetOrCreate("10.0.0.1")!.Add(StickDataType.HttpReqCnt, null, 1, tables[0].Now);
        await AwaitAssertAsync(() => Assert.Equal(1, Read(tables[2], "10.0.0.1", StickDataType.HttpReqCnt)), Wait);

        // Cut node 3 off (shorter than failure detection: it stays a member), count on node 1,
        // then heal: node 3 catches up from the gossip of full states.
        await ClusterNodes.ThrottleAsync(nodes[2].System, Blackhole.Instance, nodes[0].System, nodes[1].System);
        tables[0].GetOrCreate("10.0.0.1")!.Add(StickDataType.HttpReqCnt, null, 2, tables[0].Now);
        await AwaitAssertAsync(() => Assert.Equal(3, Read(tables[1], "10.0.0.1", StickDataType.HttpReqCnt)), Wait);
        await ClusterNodes.ThrottleAsync(nodes[2].System, Unthrottled.Instance, nodes[0].System, nodes[1].System);

        await AwaitAssertAsync(() => Assert.Equal(3, Read(tables[2], "10.0.0.1", StickDataType.HttpReqCnt)), Wait);
    }

    [Fact]
    public async Task ANodeThatLeaves_TakesItsConnectionsWithIt()
    {
        var (nodes, tables) = await StartAsync(2);
        await using var _ = new ClusterNodes.Stopping(nodes[..1]);
        // Node 1 saw the client too: the entry lives on there once node 2's share is gone.
        Assert.NotNull(tables[0].GetOrCreate("10.0.0.1"));
        var tracked = new StickCounters();
        Assert.True(tracked.Track(0, tables[1], tables[1].GetOrCreate("10.0.0.1")!));
        await AwaitAssertAsync(() => Assert.Equal(1, Read(tables[0], "10.0.0.1", StickDataType.ConnCur)), Wait);

        // Node 2 leaves with its connection still open: nobody is left to close it.
        await nodes[1].StopAsync();

        await AwaitAssertAsync(() => Assert.Equal(0, Read(tables[0], "10.0.0.1", StickDataType.ConnCur)), Wait);
    }

    [Fact]
    public async Task ATableDefinedOtherwiseOnAnotherNode_IsNotAddedUp_AndTheLogSaysSo()
    {
        var log = new Runtime.Tests.CapturingLogger();
        var first = await StartNodeAsync(ActorSystem.Create("cluster", Cuttable), "type ip size 1k store gpc0", log);
        var seed = Akka.Cluster.Cluster.Get(first.Node.System).SelfAddress;
        var second = await StartNodeAsync(ClusterNodes.Joining(seed, Cuttable), "type ip size 1k store gpc0,gpt0");
        var third = await StartNodeAsync(ClusterNodes.Joining(seed, Cuttable), "type ip size 1k store gpc0");
        await using var _ = new ClusterNodes.Stopping([first.Node, second.Node, third.Node]);
        string secondUid = Akka.Cluster.Cluster.Get(second.Node.System).SelfUniqueAddress.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture);

        second.Table.GetOrCreate("10.0.0.1")!.Add(StickDataType.Gpc0, null, 5, second.Table.Now);
        await AwaitAssertAsync(() => Assert.Contains(log.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error &&
            e.Message.StartsWith($"stick table 'web': node {secondUid} defines it otherwise than this node (type ip len 4 store gpc0)", StringComparison.Ordinal)), Wait);
        third.Table.GetOrCreate("10.0.0.1")!.Add(StickDataType.Gpc0, null, 1, third.Table.Now);

        // The first adds the third's share to its own, not the second's.
        await AwaitAssertAsync(() => Assert.Equal(1, Read(first.Table, "10.0.0.1", StickDataType.Gpc0)), Wait);
        Assert.Equal(5, Read(second.Table, "10.0.0.1", StickDataType.Gpc0));
    }

    private static long? Read(StickTable table, string key, StickDataType type) => table.Lookup(key)?.Read(type, table.Now);

    private async Task<(ProxyNode[] Nodes, StickTable[] Tables)> StartAsync(int count)
    {
        var started = new List<(ProxyNode Node, StickTable Table)> { await StartNodeAsync(ActorSystem.Create("cluster", Cuttable), Line) };
        var seed = Akka.Cluster.Cluster.Get(started[0].Node.System).SelfAddress;
        while (started.Count < count)
        {
            started.Add(await StartNodeAsync(ClusterNodes.Joining(seed, Cuttable), Line));
        }
        return ([.. started.Select(s => s.Node)], [.. started.Select(s => s.Table)]);
    }

    // Each node has its own configuration, as each process reads its file: its own table "web".
    private async Task<(ProxyNode Node, StickTable Table)> StartNodeAsync(ActorSystem system, string line, Microsoft.Extensions.Logging.ILoggerFactory? log = null)
    {
        var tables = new StickTables();
        var table = tables.Add(StickTableSettings.Parse("web", line), TimeProvider.System);
        var node = await ProxyNode.StartAsync(system, _scripts.Config(threads: 1) with { StickTables = tables }, log ?? NullLoggerFactory.Instance).WaitAsync(Wait);
        return (node, table);
    }




    protected override void Dispose(bool disposing)
    {
        _scripts.Dispose();
        base.Dispose(disposing);
    }
}
