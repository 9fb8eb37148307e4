using ActorProxy.Actors.Lua;
using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using Akka.Actor;
using Akka.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Actors.Tests.Lua;

/// <summary>One worker with no node around it: probes stand for the singleton's proxy and for the
/// shared state's actor, so the worker's side of the protocol is seen message by message.</summary>
public sealed class LuaWorkerAloneTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly LuaScripts _scripts = new();
    private readonly LuaEngine _engine = new(new LuaTune { SessionTimeout = TimeSpan.FromMilliseconds(300) });

    public LuaWorkerAloneTests() : base(ProxyNode.DefaultAkkaConfig)
    {
    }

    [Fact]
    public async Task Worker_LocatesTheSharedState_AndCallsItDirectly_ApplyingWhatItChanged()
    {
        var proxy = CreateTestProbe();
        var shared = CreateTestProbe();
        var worker = StartWorker(proxy);
        proxy.ExpectMsg<LocateSharedLua>(Wait);
        proxy.Reply(new SharedLuaLocated(shared.Ref));

        var run = RunSharedAction(worker);

        var call = shared.ExpectMsg<CallSharedLua>(Wait);
        Assert.Equal((LuaFunctionKind.HttpRequestAction, "tag"), (call.Kind, call.Name));
        Assert.Equal("/path", call.Exchange.Path);
        proxy.ExpectNoMsg(TimeSpan.Zero);
        shared.Reply(new SharedLuaResult(call.Exchange with { RequestHeaders = [new("x-tag", "shared")] }, null, null));
        await run.Completion.Task.WaitAsync(Wait);
        Assert.Equal("shared", run.Exchange.RequestHeaders.GetLast("x-tag"));
    }

    [Fact]
    public void SharedStateGone_WorkerGoesBackToTheProxy_AndLocatesItAgain()
    {
        var proxy = CreateTestProbe();
        var shared = CreateTestProbe();
        var worker = StartWorker(proxy);
        proxy.ExpectMsg<LocateSharedLua>(Wait);
        proxy.Reply(new SharedLuaLocated(shared.Ref));
        // The worker uses the shared state's actor once a call reaches it.
        RunSharedAction(worker);
        shared.ExpectMsg<CallSharedLua>(Wait);

        Sys.Stop(shared.Ref);

        proxy.ExpectMsg<LocateSharedLua>(Wait);
        var run = RunSharedAction(worker);
        proxy.ExpectMsg<CallSharedLua>(Wait);
        Assert.False(run.Completion.Task.IsCompleted);
    }

    [Fact]
    public async Task SharedCallWithNoAnswer_EndsAfterTheSessionTimeout_LeavingTheTransactionAsItWas()
    {
        var proxy = CreateTestProbe();
        var worker = StartWorker(proxy);
        proxy.ExpectMsg<LocateSharedLua>(Wait);

        var run = RunSharedAction(worker);

        proxy.ExpectMsg<CallSharedLua>(Wait);
        await run.Completion.Task.WaitAsync(Wait);
        Assert.Null(run.Exchange.RequestHeaders.GetLast("x-tag"));
        Assert.Null(run.Exchange.Reply);
    }

    [Fact]
    public async Task WorkerStopped_FailsTheTransactionsThatWait_SoThatNoneHangs()
    {
        var proxy = CreateTestProbe();
        var worker = StartWorker(proxy);
        proxy.ExpectMsg<LocateSharedLua>(Wait);
        var run = RunSharedAction(worker);
        proxy.ExpectMsg<CallSharedLua>(Wait);

        Sys.Stop(worker);

        // A call that timed out would complete; a stop fails the run.
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.Completion.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task TcpRequestRules_WithASharedStateAction_WaitForItsAnswer_AndTakeItsVerdict()
    {
        var proxy = CreateTestProbe();
        var shared = CreateTestProbe();
        _engine.Registry.RegisterElsewhere(LuaFunctionKind.TcpRequestAction, "check", 0);
        var worker = StartWorker(proxy);
        proxy.ExpectMsg<LocateSharedLua>(Wait);
        proxy.Reply(new SharedLuaLocated(shared.Ref));
        var frontend = new FrontendSettings
        {
            Name = "tcp-in",
            Bind = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1),
            Mode = ProxyMode.Tcp,
            TcpRequest = [Runtime.Rules.TcpRule.Parse("content lua.check"), Runtime.Rules.TcpRule.Parse("content use-service lua.echo")],
            DefaultBackend = "app",
        };
        var rules = new Runtime.Rules.TcpRequestRules(frontend, new HttpExchange("tcp-in", "", "", null, "") { ClientAddress = "127.0.0.1" });
        var done = new TaskCompletionSource();

        worker.Tell(new RunTcpRequest(rules, done));

        var call = shared.ExpectMsg<CallSharedLua>(Wait);
        Assert.Equal((LuaFunctionKind.TcpRequestAction, "check", "127.0.0.1"), (call.Kind, call.Name, call.Exchange.ClientAddress));
        Assert.False(done.Task.IsCompleted);
        shared.Reply(new SharedLuaResult(call.Exchange with { Verdict = (int)Runtime.Rules.ActionVerdict.Deny }, null, null));
        await done.Task.WaitAsync(Wait);
        Assert.Equal(Runtime.Rules.TcpRequestOutcome.Close, rules.Outcome);
    }

    private IActorRef StartWorker(TestProbe proxy)
    {
        _engine.Registry.RegisterElsewhere(LuaFunctionKind.HttpRequestAction, "tag", 0);
        var global = _scripts.Config(threads: 1).Global with { Tune = _engine.Tune };
        var worker = Sys.ActorOf(LuaWorker.Props(_engine, 1, 1, global, proxy.Ref, NullLoggerFactory.Instance));
        worker.Tell(new LoadLuaState(1), TestActor);
        Assert.Empty(ExpectMsg<LuaStateLoaded>(Wait).Errors);
        worker.Tell(new SwitchLuaGeneration(1), TestActor);
        ExpectMsg<LuaGenerationSwitched>(Wait);
        return worker;
    }

    private RunHttpRequest RunSharedAction(IActorRef worker)
    {
        var run = new RunHttpRequest(new FrontendSettings
        {
            Name = "web",
            Bind = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1),
            HttpRequest = [Runtime.Rules.HttpRuleParser.ParseRequest("lua.tag")],
            DefaultBackend = "app",
        }, new HttpExchange("web", "GET", "/path", null, "HTTP/1.1"), new TaskCompletionSource());
        worker.Tell(run);
        return run;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _engine.Dispose();
            _scripts.Dispose();
        }
    }
}
