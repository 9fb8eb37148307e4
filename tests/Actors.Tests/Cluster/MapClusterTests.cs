using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Samples;
using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Actors.Tests.Cluster;

/// <summary>
/// Three nodes of one cluster in this process, each with its own copy of one map file: changes
/// made on every node at once end in one order on all of them (issue #14: maps exact across the
/// cluster); a change shows at once on the node that makes it; a node that joins later takes
/// the cluster's entries; a node whose sequencer leaves goes on in a new order.
/// </summary>
public sealed class MapClusterTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly LuaScripts _scripts = new();
    private readonly string _file;

    public MapClusterTests() : base(ProxyNode.DefaultAkkaConfig, "cluster")
    {
        _file = Path.Combine(Path.GetTempPath(), $"actorproxy-maps-{Guid.NewGuid():N}.map");
        File.WriteAllText(_file, "a.test web\nb.test api\n");
    }

    [Fact]
    public async Task ChangesMadeOnEveryNodeAtOnce_EndInOneOrderOnAll()
    {
        var nodes = await StartAsync(3);
        await using var _ = new ClusterNodes.Stopping(nodes.Select(n => n.Node).ToArray());

        // Each node changes the map many times, all at once.
        await Task.WhenAll(nodes.Select((node, i) => Task.Run(() =>
        {
            for (int change = 0; change < 20; change++)
            {
                Assert.Null(node.Map.Add($"n{i}-{change}.test", $"v{change}"));
                Assert.Null(node.Map.SetOrAdd("a.test", $"set by {i}"));
                if (change % 5 == 4)
                {
                    node.Map.Delete($"n{i}-{change - 2}.test");
                }
            }
        })));

        await AwaitAssertAsync(() =>
        {
            var first = Dump(nodes[0].Map);
            Assert.Equal(3 * 20 - 3 * 4 + 2, nodes[0].Map.Entries.Count);
            Assert.All(nodes, node => Assert.Equal(first, Dump(node.Map)));
            Assert.All(nodes, node => Assert.Empty(node.Map.Pending));
        }, Wait);
    }

    [Fact]
    public async Task AChange_ShowsAtOnceOnItsNode_AndSoonOnTheOthers()
    {
        var nodes = await StartAsync(2);
        await using var _ = new ClusterNodes.Stopping(nodes.Select(n => n.Node).ToArray());

        Assert.True(nodes[1].Map.Set("b.test", "changed", out var refusal));

        Assert.Null(refusal);
        Assert.Equal("changed", nodes[1].Map.Entries.Single(e => e.Key == "b.test").Value);
        await AwaitAssertAsync(() => Assert.Equal("changed", nodes[0].Map.Entries.Single(e => e.Key == "b.test").Value), Wait);
    }

    [Fact]
    public async Task ANodeThatJoinsLater_TakesTheClustersEntries()
    {
        var nodes = await StartAsync(2);
        Assert.Null(nodes[0].Map.Add("c.test", "late"));
        nodes[1].Map.Delete("a.test");
        await AwaitAssertAsync(() => Assert.Equal(Dump(nodes[0].Map), Dump(nodes[1].Map)), Wait);

        var joiner = await StartNodeAsync(ClusterNodes.Joining(Akka.Cluster.Cluster.Get(nodes[0].Node.System).SelfAddress, ProxyNode.DefaultAkkaConfig));
        await using var _ = new ClusterNodes.Stopping([nodes[0].Node, nodes[1].Node, joiner.Node]);

        await AwaitAssertAsync(() => Assert.Equal(Dump(nodes[0].Map), Dump(joiner.Map)), Wait);
        Assert.Equal(["b.test api", "c.test late"], joiner.Map.Entries.Select(e => $"{e.Key} {e.Value}"));
    }

    [Fact]
    public async Task WhenTheSequencersNodeLeaves_TheOthersGoOnInANewOrder()
    {
        var nodes = await StartAsync(3);
        await using var _ = new ClusterNodes.Stopping([nodes[1].Node, nodes[2].Node]);
        Assert.Null(nodes[2].Map.Add("before.test", "1"));
        await AwaitAssertAsync(() => Assert.Equal(Dump(nodes[2].Map), Dump(nodes[1].Map)), Wait);

        // The oldest node hosts the sequencer; it leaves, and a survivor's sequencer takes over.
        await nodes[0].Node.StopAsync();
        Assert.Null(nodes[2].Map.Add("after.test", "2"));
        Assert.Null(nodes[1].Map.Add("after.test", "3"));

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(Dump(nodes[1].Map), Dump(nodes[2].Map));
            Assert.Empty(nodes[1].Map.Pending);
            Assert.Empty(nodes[2].Map.Pending);
            Assert.Equal(2, nodes[1].Map.Entries.Count(e => e.Key == "after.test"));
        }, Wait);
    }

    private static string Dump(MapReference map) => string.Join("\n", map.Entries.Select(e => $"{MapReference.Reference(e)} {e.Key} {e.Value}"));

    private async Task<(ProxyNode Node, MapReference Map)[]> StartAsync(int count)
    {
        var started = new List<(ProxyNode, MapReference)> { await StartNodeAsync(ActorSystem.Create("cluster", ProxyNode.DefaultAkkaConfig)) };
        var seed = Akka.Cluster.Cluster.Get(started[0].Item1.System).SelfAddress;
        while (started.Count < count)
        {
            started.Add(await StartNodeAsync(ClusterNodes.Joining(seed, ProxyNode.DefaultAkkaConfig)));
        }
        return [.. started];
    }

    // Each node reads the map file itself, as each process reads its configuration.
    private async Task<(ProxyNode Node, MapReference Map)> StartNodeAsync(ActorSystem system)
    {
        var maps = new MapReferences();
        var map = maps.GetOrRead(_file, "hosts.map");
        var node = await ProxyNode.StartAsync(system, _scripts.Config(threads: 1) with { Maps = maps }, NullLoggerFactory.Instance).WaitAsync(Wait);
        return (node, map);
    }



    protected override void Dispose(bool disposing)
    {
        _scripts.Dispose();
        File.Delete(_file);
        base.Dispose(disposing);
    }
}
