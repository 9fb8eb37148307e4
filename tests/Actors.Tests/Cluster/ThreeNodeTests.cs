using ActorProxy.Actors.Admin;
using ActorProxy.Actors.Lua;
using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Actors.Tests.Cluster;

/// <summary>
/// Three nodes of one cluster in this process, over loopback remoting with Akka's throttler
/// adapter, which can cut a node off (a blackhole both ways) the way a crash or a network split
/// does: the survivors see it unreachable, the split-brain resolver downs it, and the shared
/// state's singleton moves.
/// </summary>
public sealed class ThreeNodeTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);
    private static readonly Config Cuttable = ClusterNodes.Cuttable;

    private readonly LuaScripts _scripts = new();

    public ThreeNodeTests() : base(Cuttable, "cluster")
    {
    }

    [Fact]
    public async Task SharedStateHostCutOff_AdminAnswersMeanwhile_AndASurvivorServesTheStateReloadedFromItsFiles()
    {
        var config = _scripts.Config(threads: 1, shared: [_scripts.Write("shared.lua", """
            local inits, calls, marked = 0, 0, false
            core.register_init(function() inits = inits + 1 end)
            core.register_fetches("count", function(txn) calls = calls + 1 return inits .. "/" .. calls end)
            core.register_fetches("mark", function(txn) marked = true return "marked" end)
            core.register_fetches("state", function(txn) return inits .. " " .. (marked and "marked" or "fresh") end)
            """)], tune: new LuaTune { SessionTimeout = TimeSpan.FromSeconds(2) });
        var firstSystem = ActorSystem.Create("cluster", Cuttable);
        await using var first = await ProxyNode.StartAsync(firstSystem, config, NullLoggerFactory.Instance).WaitAsync(Wait);
        var firstAddress = Akka.Cluster.Cluster.Get(firstSystem).SelfAddress;
        var secondSystem = ClusterNodes.Joining(firstAddress, Cuttable);
        await using var second = await ProxyNode.StartAsync(secondSystem, config, NullLoggerFactory.Instance).WaitAsync(Wait);
        var thirdSystem = ClusterNodes.Joining(firstAddress, Cuttable);
        await using var third = await ProxyNode.StartAsync(thirdSystem, config, NullLoggerFactory.Instance).WaitAsync(Wait);
        var secondAddress = Akka.Cluster.Cluster.Get(secondSystem).SelfAddress;

        // The non-host nodes call the shared state on the first: one state, one counter.
        Assert.Equal("1/1", await CountAsync(second));
        Assert.Equal("1/2", await CountAsync(third));
        Assert.Equal("1/3", await CountAsync(second));
        Assert.Equal("marked", await FetchAsync(third, "mark"));

        // Nothing passes between the first node and the others any more, either way.
        await ClusterNodes.ThrottleAsync(firstSystem, Blackhole.Instance, secondSystem, thirdSystem);

        // A call in the gap waits for its session timeout, then the rules go on without its sample
        // (set-header sets the empty string, as HAProxy does for a missing sample); show lua
        // answers meanwhile, the shared state costing its own line. Both are over before the
        // first can be downed (failure detection, then the resolver's stable-after).
        var luaInTheGap = third.Admin.Ask<AdminReply>(new AdminCommand("show lua"), Wait);
        Assert.Equal("", await CountAsync(third));
        var gap = await luaInTheGap;
        Assert.True(gap.Success, gap.Text);
        Assert.StartsWith("state 0: no answer within 5 s\nstate 1: memory=", gap.Text);

        // While the first is unreachable (and before it is downed), admin answers on the others,
        // the first costing one line.
        await AwaitAssertAsync(async () =>
        {
            var reply = await third.Admin.Ask<AdminReply>(new AdminCommand("show cluster"), Wait);
            Assert.Contains($"{firstAddress} up unreachable roles=[]: no answer within 2 s\n", reply.Text);
        }, Wait);

        // The survivors (the majority) down the first; the singleton starts on the oldest of them,
        // which loads the shared state from its files and runs its init again: what the old one
        // held is gone. (Calls made in the gap may still run there once the proxy finds it, their
        // callers gone: the count goes on from them.)
        await firstSystem.WhenTerminated.WaitAsync(Wait);
        await AwaitAssertAsync(async () => Assert.Equal("1 fresh", await FetchAsync(third, "state")), Wait);
        Assert.Equal("1 fresh", await FetchAsync(second, "state"));
        var cluster = await third.Admin.Ask<AdminReply>(new AdminCommand("show cluster"), Wait);
        Assert.Contains($"Shared Lua state (singleton) on: {secondAddress}\n", cluster.Text);
        Assert.DoesNotContain(firstAddress.ToString(), cluster.Text);
        var lua = await third.Admin.Ask<AdminReply>(new AdminCommand("show lua"), Wait);
        Assert.True(lua.Success, lua.Text);
        Assert.Contains("functions=3", lua.Text);
    }


    private static Task<string?> CountAsync(ProxyNode node) => FetchAsync(node, "count");

    // A fetch of the shared state from a worker of this node; empty when the call got no answer.
    private static async Task<string?> FetchAsync(ProxyNode node, string fetch)
    {
        var exchange = new HttpExchange("web", "GET", "/", null, "HTTP/1.1");
        var run = new RunHttpRequest(new Runtime.Config.FrontendSettings
        {
            Name = "web",
            Bind = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1),
            HttpRequest = [Runtime.Rules.HttpRuleParser.ParseRequest($"set-header x-count %[lua.{fetch}]")],
            DefaultBackend = "app",
        }, exchange, new TaskCompletionSource());
        node.Workers.Single().Tell(run);
        await run.Completion.Task.WaitAsync(Wait);
        return exchange.RequestHeaders.GetLast("x-count");
    }


    protected override void Dispose(bool disposing)
    {
        _scripts.Dispose();
        base.Dispose(disposing);
    }
}
