using ActorProxy.Actors.Lua;
using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Http;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Actors.Tests.Cluster;

/// <summary>Two nodes of one cluster in this process (loopback remoting): the second joins the
/// first, boots although the shared state lives on the first, and its rules call it there.</summary>
public sealed class TwoNodeTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly LuaScripts _scripts = new();

    public TwoNodeTests() : base(ProxyNode.DefaultAkkaConfig, "cluster")
    {
    }

    [Fact]
    public async Task SecondNode_Boots_AndItsRulesCallTheSharedStateOnTheFirst()
    {
        var config = _scripts.Config(threads: 1,
            shared: [_scripts.Write("shared.lua", """
                local calls = 0
                core.register_fetches("count", function(txn) calls = calls + 1 return "call " .. calls .. " on " .. core.thread end)
                """)],
            perThread: [_scripts.Write("worker.lua", """
                core.register_action("tag", { "http-req" }, function(txn) txn.http:req_set_header("x-worker", core.thread) end)
                """)]);
        var first = await ProxyNode.StartAsync(Sys, config, NullLoggerFactory.Instance);
        var address = Akka.Cluster.Cluster.Get(Sys).SelfAddress;
        var secondSystem = ActorSystem.Create(Sys.Name, ConfigurationFactory
            .ParseString($"akka.cluster.seed-nodes = [\"{address}\"]")
            .WithFallback(ProxyNode.DefaultAkkaConfig));
        await using var second = await ProxyNode.StartAsync(secondSystem, config, NullLoggerFactory.Instance).WaitAsync(Wait);

        var exchange = new HttpExchange("web", "GET", "/", null, "HTTP/1.1");
        var run = new RunHttpRequest(Frontend("lua.tag", "set-header x-count %[lua.count]"), exchange, new TaskCompletionSource());
        second.Workers.Single().Tell(run);
        await run.Completion.Task.WaitAsync(Wait);

        Assert.Equal("1", exchange.RequestHeaders.GetLast("x-worker"));
        Assert.Equal("call 1 on 0", exchange.RequestHeaders.GetLast("x-count"));
        var status = await second.GetLuaStatusAsync().WaitAsync(Wait);
        Assert.Equal([0, 1], status.Select(s => s.StateId));
        Assert.Equal(1, status[0].Functions);
        await first.StopAsync();
    }

    [Fact]
    public async Task ShowCluster_OnEitherNode_ListsBothMembers_AndTheSharedStatesHost()
    {
        var config = _scripts.Config(threads: 1);
        var first = await ProxyNode.StartAsync(Sys, config, NullLoggerFactory.Instance);
        var address = Akka.Cluster.Cluster.Get(Sys).SelfAddress;
        var secondSystem = ActorSystem.Create(Sys.Name, ConfigurationFactory
            .ParseString($"akka.cluster.seed-nodes = [\"{address}\"]")
            .WithFallback(ProxyNode.DefaultAkkaConfig));
        await using var second = await ProxyNode.StartAsync(secondSystem, config, NullLoggerFactory.Instance).WaitAsync(Wait);
        var secondAddress = Akka.Cluster.Cluster.Get(secondSystem).SelfAddress;

        var reply = await second.Admin.Ask<Actors.Admin.AdminReply>(new Actors.Admin.AdminCommand("show cluster"), Wait);

        Assert.True(reply.Success, reply.Text);
        Assert.True(reply.Text.Contains($"{address} up", StringComparison.Ordinal), reply.Text);
        Assert.Contains($"Shared Lua state (singleton) on: {address}\n", reply.Text);
        Assert.Contains($"{address} up roles=[]: frontends: none\n", reply.Text);
        Assert.Contains($"{secondAddress} up roles=[] (this node): frontends: none\n", reply.Text);
        await first.StopAsync();
    }

    [Fact]
    public async Task Newcomer_WithOtherLuaLoadFiles_IsRefusedNamingThem()
    {
        var first = await ProxyNode.StartAsync(Sys, _scripts.Config(threads: 1, shared: [_scripts.Write("a/shared.lua", "local a = 1")]), NullLoggerFactory.Instance);
        var address = Akka.Cluster.Cluster.Get(Sys).SelfAddress;
        var secondSystem = ActorSystem.Create(Sys.Name, ConfigurationFactory
            .ParseString($"akka.cluster.seed-nodes = [\"{address}\"]")
            .WithFallback(ProxyNode.DefaultAkkaConfig));

        var failure = await Assert.ThrowsAsync<Runtime.Lua.LuaBootException>(() =>
            ProxyNode.StartAsync(secondSystem, _scripts.Config(threads: 1, shared: [_scripts.Write("b/shared.lua", "local a = 2")]), NullLoggerFactory.Instance).WaitAsync(Wait));

        Assert.Contains(failure.Errors, e => e.Contains("this node's lua-load files (b/shared.lua", StringComparison.Ordinal) &&
            e.Contains("differ from those the cluster's shared state loaded (a/shared.lua", StringComparison.Ordinal));
        await first.StopAsync();
    }

    private static Runtime.Config.FrontendSettings Frontend(params string[] rules) => new()
    {
        Name = "web",
        Bind = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1),
        HttpRequest = [.. rules.Select(rule => Runtime.Rules.HttpRuleParser.ParseRequest(rule))],
        DefaultBackend = "app",
    };

    protected override void Dispose(bool disposing)
    {
        _scripts.Dispose();
        base.Dispose(disposing);
    }
}
