using ActorProxy.Actors.Lua;
using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Actors.Tests.Lua;

public class LuaReloadTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly LuaScripts _scripts = new();
    private readonly string _release = Path.Combine(Path.GetTempPath(), $"actorproxy-release-{Guid.NewGuid():N}");

    public LuaReloadTests() : base(ProxyNode.DefaultAkkaConfig)
    {
    }

    // An action that tags the request with its file's version and how many times its state ran
    // it; with "/hold" as the path it first waits until the test writes the release file.
    private string Tagger(int version) => $$"""
        local calls = 0
        core.register_action("tag", { "http-req" }, function(txn)
          calls = calls + 1
          if txn.sf:path() == "/hold" then
            while not io.open("{{_release}}") do core.msleep(5) end
          end
          txn.http:req_set_header("x-version", "{{version}}/" .. calls)
        end)
        core.register_task(function() while true do core.msleep(10) end end)
        """;

    [Fact]
    public async Task Reload_NewTransactionsRunTheNewFiles_OneInFlightFinishesOnTheOld_ThenTheOldStateCloses()
    {
        var file = _scripts.Write("tag.lua", Tagger(1));
        var node = await StartAsync(_scripts.Config(threads: 2, perThread: [file]));
        var worker = node.Workers[0];
        Assert.Equal("1/1", await RunAsync(worker, "/"));
        var held = Transaction("/hold");
        worker.Tell(held);

        File.WriteAllText(file.Path, Tagger(2));
        var outcome = await node.ReloadLuaAsync();

        Assert.True(outcome.Reloaded, outcome.Describe());
        Assert.Equal((2, 1, 1), (outcome.Generation, outcome.Previous, outcome.InFlight));
        Assert.Equal("2/1", await RunAsync(worker, "/"));
        Assert.Equal("2/2", await RunAsync(worker, "/"));
        Assert.False(held.Completion.Task.IsCompleted);
        var during = await node.GetLuaStatusAsync();
        Assert.All(during, s => Assert.Equal(2, s.Generation));
        Assert.Equal(1, during.Single(s => s.StateId == 1).Draining);
        Assert.All(during.Where(s => s.StateId > 0), s => Assert.Equal(1, s.Tasks));

        // The held transaction goes on in the old state, which kept its count, then ends.
        File.WriteAllText(_release, "");
        await held.Completion.Task.WaitAsync(Wait);
        Assert.Equal("1/2", held.Exchange.RequestHeaders.GetLast("x-version"));
        held.Exchange.EndLua();

        await AwaitAssertAsync(async () =>
        {
            Assert.Equal([2], node.Engine.Generations.Select(g => g.Number));
            Assert.All(await node.GetLuaStatusAsync(), s => Assert.Equal(0, s.Draining));
        }, Wait);
    }

    [Fact]
    public async Task Reload_BrokenFile_LeavesTheOldServing_AndAnswersWithTheFileAndLine()
    {
        var file = _scripts.Write("tag.lua", Tagger(1));
        var node = await StartAsync(_scripts.Config(threads: 2, perThread: [file]));

        File.WriteAllText(file.Path, "core.register_action(\"tag\", { \"http-req\" }, function(txn)\n  txn:oops(\nend)\n");
        var outcome = await node.ReloadLuaAsync();

        Assert.False(outcome.Reloaded);
        Assert.Equal(1, outcome.Generation);
        Assert.Equal(2, outcome.Errors.Count);
        Assert.All(outcome.Errors, e => Assert.Contains("lua-load-per-thread 'tag.lua'", e));
        Assert.Contains("tag.lua:3:", outcome.Errors[0]);
        Assert.Contains("goes on serving", outcome.Describe());
        Assert.Equal("1/1", await RunAsync(node.Workers[1], "/"));
        Assert.Equal([1], node.Engine.Generations.Select(g => g.Number));
        Assert.All(await node.GetLuaStatusAsync(), s => Assert.Equal((1, 0), (s.Generation, s.Draining)));
    }

    [Fact]
    public async Task Reload_FailingTheStartsCheck_LeavesTheOldServing_AndNamesWhatFailed()
    {
        var file = _scripts.Write("tag.lua", Tagger(1));
        var config = _scripts.Config(threads: 2, perThread: [file]) with { Frontends = [Frontend()] };
        var node = await StartAsync(config);

        // The frontend's rule calls lua.tag: a start would refuse files that no longer register it.
        File.WriteAllText(file.Path, "core.register_action(\"renamed\", { \"http-req\" }, function(txn) end)");
        var missing = await node.ReloadLuaAsync();
        // A function only some threads register fails the consistency check of seed 000.
        File.WriteAllText(file.Path, Tagger(3) + "\nif core.thread == 2 then core.register_fetches(\"only2\", function() return 1 end) end");
        var inconsistent = await node.ReloadLuaAsync();
        File.WriteAllText(file.Path, Tagger(4) + "\ncore.register_init(function() error('init refused') end)");
        var init = await node.ReloadLuaAsync();

        Assert.False(missing.Reloaded);
        Assert.Contains("no Lua action 'lua.tag' is registered", Assert.Single(missing.Errors));
        Assert.False(inconsistent.Reloaded);
        Assert.Contains("sample-fetch 'lua.only2' is registered in thread state(s) 2 but not in 1", Assert.Single(inconsistent.Errors));
        Assert.False(init.Reloaded);
        Assert.All(init.Errors, e => Assert.Contains("init refused", e));
        Assert.Equal("1/1", await RunAsync(node.Workers[0], "/"));
        Assert.Equal([1], node.Engine.Generations.Select(g => g.Number));
    }

    [Fact]
    public async Task Reload_OfANodeAlone_ReloadsTheSharedStateToo()
    {
        var shared = _scripts.Write("shared.lua", """
            local calls = 0
            core.register_action("stag", { "http-req" }, function(txn)
              calls = calls + 1
              txn.http:req_set_header("x-version", "1/" .. calls)
            end)
            """);
        var node = await StartAsync(_scripts.Config(threads: 1, shared: [shared]));
        Assert.Equal("1/1", await RunAsync(node.Workers[0], "/", "lua.stag"));

        File.WriteAllText(shared.Path, File.ReadAllText(shared.Path).Replace("\"1/\"", "\"2/\"", StringComparison.Ordinal));
        var outcome = await node.ReloadLuaAsync();

        Assert.True(outcome.Reloaded, outcome.Describe());
        Assert.True(outcome.SharedStateReloaded);
        Assert.Equal("2/1", await RunAsync(node.Workers[0], "/", "lua.stag"));
        await AwaitAssertAsync(() => Assert.Equal([2], node.Engine.Generations.Select(g => g.Number)), Wait);
        Assert.Equal(2, (await node.GetLuaStatusAsync()).Single(s => s.StateId == 0).Generation);
    }

    [Fact]
    public async Task Reload_ATcpServiceSessionOpenBeforeIt_GoesOnInTheOldState_ANewOneRunsTheNewFiles()
    {
        static string Echo(int version) => $$"""
            core.register_service("echo", "tcp", function(applet)
              applet:send("v{{version}} " .. applet:getline())
            end)
            """;
        var file = _scripts.Write("echo.lua", Echo(1));
        var node = await StartAsync(_scripts.Config(threads: 1, perThread: [file]));
        var worker = node.Workers[0];
        var session = HttpExchangeSnapshot.Of(new HttpExchange("tcp", "", "", null, ""));
        worker.Tell(new StartTcpService("echo", 1, session), TestActor);

        File.WriteAllText(file.Path, Echo(2));
        Assert.True((await node.ReloadLuaAsync()).Reloaded);
        worker.Tell(new StartTcpService("echo", 2, session), TestActor);
        worker.Tell(new TcpServiceInput(2, "b\n"u8.ToArray(), End: false), TestActor);
        Assert.Equal("v2 b\n", System.Text.Encoding.ASCII.GetString(ExpectMsg<TcpServiceOutput>(Wait).Data));
        Assert.Equal(2, ExpectMsg<TcpServiceEnded>(Wait).SessionId);

        // The first session holds the old generation open until it ends.
        Assert.Equal([1, 2], node.Engine.Generations.Select(g => g.Number));
        worker.Tell(new TcpServiceInput(1, "a\n"u8.ToArray(), End: false), TestActor);
        var first = ExpectMsg<TcpServiceOutput>(Wait);
        Assert.Equal((1L, "v1 a\n"), (first.SessionId, System.Text.Encoding.ASCII.GetString(first.Data)));
        Assert.Equal(1, ExpectMsg<TcpServiceEnded>(Wait).SessionId);
        await AwaitAssertAsync(() => Assert.Equal([2], node.Engine.Generations.Select(g => g.Number)), Wait);
    }

    private async Task<string?> RunAsync(IActorRef worker, string path, string rule = "lua.tag")
    {
        var run = Transaction(path, rule);
        worker.Tell(run);
        await run.Completion.Task.WaitAsync(Wait);
        run.Exchange.EndLua();
        return run.Exchange.RequestHeaders.GetLast("x-version");
    }

    private static RunHttpRequest Transaction(string path, string rule = "lua.tag") =>
        new(Frontend(rule), new HttpExchange("web", "GET", path, null, "HTTP/1.1"), new TaskCompletionSource());

    private static Runtime.Config.FrontendSettings Frontend(string rule = "lua.tag") => new()
    {
        Name = "web",
        Bind = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1),
        HttpRequest = [Runtime.Rules.HttpRuleParser.ParseRequest(rule)],
        DefaultBackend = "app",
    };

    private Task<ProxyNode> StartAsync(Runtime.Config.ProxyConfig config) =>
        ProxyNode.StartAsync(Sys, config, NullLoggerFactory.Instance);

    protected override void Dispose(bool disposing)
    {
        _scripts.Dispose();
        File.Delete(_release);
        base.Dispose(disposing);
    }
}
