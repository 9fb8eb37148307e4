using ActorProxy.Actors.Lua;
using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Actors.Tests.Lua;

public class LuaNodeTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly LuaScripts _scripts = new();

    public LuaNodeTests() : base(ProxyNode.DefaultAkkaConfig)
    {
        Sys.EventStream.Subscribe(TestActor, typeof(LuaTaskEnded));
    }

    [Fact]
    public async Task Workers_RunOnDistinctThreadsThatStayTheSame()
    {
        var node = await StartAsync(_scripts.Config(threads: 3));

        var first = await node.GetLuaStatusAsync();
        var second = await node.GetLuaStatusAsync();

        var workers = first.Where(s => s.StateId > 0).ToArray();
        Assert.Equal([1, 2, 3], workers.Select(s => s.StateId));
        Assert.Equal(3, workers.Select(s => s.ManagedThreadId).Distinct().Count());
        Assert.Equal(first.Select(s => s.ManagedThreadId).Skip(1), second.Select(s => s.ManagedThreadId).Skip(1));
    }

    [Fact]
    public async Task ThreadGroups_SplitWorkersAsHaproxyDoes()
    {
        var node = await StartAsync(_scripts.Config(threads: 5, groups: 2));

        var status = await node.GetLuaStatusAsync();

        Assert.Equal([0, 1, 1, 1, 2, 2], status.Select(s => s.ThreadGroup));
    }

    [Fact]
    public async Task CoreThread_IsWorkerNumberInWorkers_AndZeroInSharedState()
    {
        var report = "core.register_task(function() error('thread=' .. core.thread) end)";
        await StartAsync(_scripts.Config(threads: 2,
            shared: [_scripts.Write("shared.lua", report)],
            perThread: [_scripts.Write("worker.lua", report)]));

        var ended = ReceiveN(3, Wait).Cast<LuaTaskEnded>().ToArray();

        Assert.All(ended, e => Assert.EndsWith($"thread={e.StateId}", e.Error));
        Assert.Equal([0, 1, 2], ended.Select(e => e.StateId).Order());
    }

    [Fact]
    public async Task PerThreadTask_RunsOncePerWorker_OnlyOnThatWorkersThread()
    {
        var node = await StartAsync(_scripts.Config(threads: 3, perThread: [_scripts.Write("worker.lua", """
            core.register_task(function()
              for i = 1, 5 do core.yield() end
            end)
            """)]));
        var threads = (await node.GetLuaStatusAsync()).ToDictionary(s => s.StateId, s => s.ManagedThreadId);

        var ended = ReceiveN(3, Wait).Cast<LuaTaskEnded>().ToArray();

        Assert.Equal([1, 2, 3], ended.Select(e => e.StateId).Order());
        Assert.All(ended, e =>
        {
            Assert.Equal(LuaTaskOutcome.Finished, e.Outcome);
            Assert.Equal(6, e.Slices);
            Assert.Equal(threads[e.StateId], e.ManagedThreadId);
        });
    }

    [Fact]
    public async Task SharedTask_RunsInTheSingleton()
    {
        await StartAsync(_scripts.Config(threads: 2,
            shared: [_scripts.Write("shared.lua", "core.register_task(function() core.msleep(10) end)")]));

        var ended = ExpectMsg<LuaTaskEnded>(Wait);

        Assert.Equal(0, ended.StateId);
        Assert.Equal(LuaTaskOutcome.Finished, ended.Outcome);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Sleep_ResumesTasksInOrderOfTheirWakeUp()
    {
        await StartAsync(_scripts.Config(threads: 1, perThread: [_scripts.Write("worker.lua", """
            core.register_task(function() core.msleep(2000) end)
            core.register_task(function() core.msleep(20) core.msleep(20) end)
            """)]));

        var first = ExpectMsg<LuaTaskEnded>(Wait);
        var second = ExpectMsg<LuaTaskEnded>(Wait);

        Assert.True(first.TaskId > second.TaskId, $"the task registered second sleeps less and must end first: {first} then {second}");
        Assert.Equal(3, first.Slices);
        Assert.Equal(2, second.Slices);
    }

    [Fact]
    public async Task FailingTask_IsReported_AndItsWorkerGoesOn()
    {
        var node = await StartAsync(_scripts.Config(threads: 1, perThread: [_scripts.Write("worker.lua", """
            core.register_task(function() local t = nil; return t.field end)
            core.register_task(function() core.msleep(50) end)
            """)]));

        var failed = ExpectMsg<LuaTaskEnded>(Wait);
        var finished = ExpectMsg<LuaTaskEnded>(Wait);

        Assert.Equal(LuaTaskOutcome.Failed, failed.Outcome);
        Assert.Contains("worker.lua:1: attempt to index a nil value", failed.Error);
        Assert.Equal(LuaTaskOutcome.Finished, finished.Outcome);
        var status = (await node.GetLuaStatusAsync()).Single(s => s.StateId == 1);
        Assert.Equal(1, status.TasksFailed);
    }

    [Fact]
    public async Task EndlessTask_IsPreemptedAndKilledAtTaskTimeout()
    {
        var node = await StartAsync(_scripts.Config(threads: 1,
            perThread: [_scripts.Write("worker.lua", "core.register_task(function() while true do end end)")],
            tune: new LuaTune { TaskTimeout = TimeSpan.FromMilliseconds(500) }));

        // While the task loops, its worker still answers: forced yields let messages in.
        var status = (await node.GetLuaStatusAsync()).Single(s => s.StateId == 1);
        var ended = ExpectMsg<LuaTaskEnded>(Wait);

        Assert.Equal(1, status.Tasks);
        Assert.Equal(LuaTaskOutcome.Failed, ended.Outcome);
        Assert.Equal("execution timeout", ended.Error);
        Assert.True(ended.Slices > 1);
    }

    [Fact]
    public async Task TaskSocket_IsResumedOnItsWorkerWhenIoCompletes()
    {
        var server = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        server.Start();
        int port = ((System.Net.IPEndPoint)server.LocalEndpoint).Port;
        try
        {
            var node = await StartAsync(_scripts.Config(threads: 1, perThread: [_scripts.Write("worker.lua", $$"""
                core.register_task(function()
                  local s = core.tcp()
                  s:settimeout(5)
                  s:connect("127.0.0.1", {{port}})
                  s:send("hello from " .. core.thread .. "\n")
                  local reply = s:receive("*l")
                  if reply ~= "welcome" then error("got " .. tostring(reply)) end
                end)
                """)]));
            var worker = (await node.GetLuaStatusAsync()).Single(s => s.StateId == 1);

            using var client = await server.AcceptTcpClientAsync().WaitAsync(Wait);
            using var reader = new StreamReader(client.GetStream());
            string? line = await reader.ReadLineAsync().WaitAsync(Wait);
            await client.GetStream().WriteAsync("welcome\n"u8.ToArray());
            var ended = ExpectMsg<LuaTaskEnded>(Wait);

            Assert.Equal("hello from 1", line);
            Assert.Equal(LuaTaskOutcome.Finished, ended.Outcome);
            Assert.Equal(worker.ManagedThreadId, ended.ManagedThreadId);
        }
        finally
        {
            server.Stop();
        }
    }

    [Fact]
    public async Task TaskHttpClient_WaitsOnItsWorker_AndAServerPastTheTimeoutIsHaproxys504()
    {
        // A server that takes the connection and answers nothing.
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        int port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        try
        {
            var node = await StartAsync(_scripts.Config(threads: 1, perThread: [_scripts.Write("worker.lua", $$"""
                local body_client = core.httpclient()
                core.register_task(function()
                  local r = core.httpclient():get{ url = "http://127.0.0.1:{{port}}/", timeout = 200 }
                  error(string.format("outside a function: %s; %d %s %s %d", tostring(body_client), r.status, r.reason,
                    r.headers["content-type"][0], #r.body))
                end)
                """)]));
            var worker = (await node.GetLuaStatusAsync()).Single(s => s.StateId == 1);

            using var client = await silent.AcceptTcpClientAsync().WaitAsync(Wait);
            var ended = ExpectMsg<LuaTaskEnded>(Wait);

            Assert.EndsWith("outside a function: nil; 504 Gateway Time-out text/html 92", ended.Error);
            Assert.Equal(worker.ManagedThreadId, ended.ManagedThreadId);
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task Boot_FunctionInSharedAndPerThreadStates_FailsNamingIt()
    {
        var both = _scripts.Write("both.lua", "core.register_fetches('x', function() return 1 end)");

        var failure = await Assert.ThrowsAsync<LuaBootException>(() => StartAsync(_scripts.Config(threads: 2, shared: [both], perThread: [both])));

        var error = Assert.Single(failure.Errors);
        Assert.Contains("sample-fetch 'lua.x' is registered both in the shared state", error);
        await AssertSystemStopped();
    }

    [Fact]
    public async Task Boot_FunctionInSomeThreadsOnly_FailsNamingIt()
    {
        var some = _scripts.Write("some.lua", "if core.thread == 1 then core.register_action('x', {'http-req'}, function() end) end");

        var failure = await Assert.ThrowsAsync<LuaBootException>(() => StartAsync(_scripts.Config(threads: 3, perThread: [some])));

        Assert.Contains("action 'lua.x' is registered in thread state(s) 1 but not in 2, 3", Assert.Single(failure.Errors));
        await AssertSystemStopped();
    }

    [Fact]
    public async Task Boot_BrokenFiles_ListsEveryErrorWithFileAndLine()
    {
        var syntax = _scripts.Write("syntax.lua", "local x = = 1");
        var runtime = _scripts.Write("runtime.lua", "\nerror('no backend list')");

        var failure = await Assert.ThrowsAsync<LuaBootException>(() => StartAsync(_scripts.Config(threads: 2, shared: [syntax], perThread: [runtime])));

        Assert.Equal(3, failure.Errors.Count);
        Assert.StartsWith("lua-load 'syntax.lua' (shared state): syntax.lua:1:", failure.Errors[0]);
        Assert.Equal("lua-load-per-thread 'runtime.lua' (thread 1): runtime error: runtime.lua:2: no backend list", failure.Errors[1]);
        Assert.StartsWith("lua-load-per-thread 'runtime.lua' (thread 2): ", failure.Errors[2]);
        await AssertSystemStopped();
    }

    [Fact]
    public async Task Boot_InitFunctionsRunAfterEveryStateLoaded_AndTheirErrorsStopTheStart()
    {
        var init = _scripts.Write("init.lua", """
            core.register_init(function()
              if core.thread == 2 then error("cannot reach the database") end
            end)
            """);

        var failure = await Assert.ThrowsAsync<LuaBootException>(() => StartAsync(_scripts.Config(threads: 2, perThread: [init])));

        Assert.Equal("Lua init (state 2): runtime error: init.lua:2: cannot reach the database", Assert.Single(failure.Errors));
        await AssertSystemStopped();
    }

    [Fact]
    public async Task Boot_WithoutStartingTasks_LeavesTasksIdle()
    {
        await StartAsync(_scripts.Config(threads: 1, perThread: [_scripts.Write("w.lua", "core.register_task(function() end)")]), startTasks: false);

        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _scripts.Dispose();
        }
    }

    [Fact]
    public async Task SharedState_ThroughItsProxy_AnswersWithItsOwnReference()
    {
        var node = await StartAsync(_scripts.Config(threads: 1));

        node.SharedLua.Tell(LocateSharedLua.Instance, TestActor);
        var located = ExpectMsg<SharedLuaLocated>(Wait);

        // The singleton itself, under its manager, so that workers skip the proxy's hop.
        Assert.NotEqual(node.SharedLua, located.SharedLua);
        Assert.StartsWith($"/user/{SharedLua.ManagerName}/", located.SharedLua.Path.ToStringWithoutAddress());
        located.SharedLua.Tell(LocateSharedLua.Instance, TestActor);
        Assert.Equal(located.SharedLua, ExpectMsg<SharedLuaLocated>(Wait).SharedLua);
    }

    [Fact]
    public async Task SharedStateActionThatWaits_HoldsItsTransaction_NotTheWorker()
    {
        var node = await StartAsync(_scripts.Config(threads: 1,
            shared: [_scripts.Write("shared.lua", """
                core.register_action("slow", { "http-req" }, function(txn)
                  core.msleep(2000)
                  txn.http:req_set_header("x-slow", "done")
                end)
                """)],
            perThread: [_scripts.Write("worker.lua", """
                core.register_action("fast", { "http-req" }, function(txn) txn.http:req_set_header("x-fast", "done") end)
                """)]));
        var worker = node.Workers.Single();
        var slow = Transaction("lua.slow", "slow");
        var fast = Transaction("lua.fast", "fast");

        worker.Tell(slow);
        worker.Tell(fast);
        await fast.Completion.Task.WaitAsync(Wait);

        Assert.False(slow.Completion.Task.IsCompleted);
        Assert.Equal("done", fast.Exchange.RequestHeaders.GetLast("x-fast"));
        await slow.Completion.Task.WaitAsync(Wait);
        Assert.Equal("done", slow.Exchange.RequestHeaders.GetLast("x-slow"));
    }

    [Fact]
    public async Task ActionThatFailsAfterBuildingGarbage_ItsStateGivesTheMemoryBack_AsShowLuaSees()
    {
        var node = await StartAsync(_scripts.Config(threads: 1,
            perThread: [_scripts.Write("hog.lua", """
                core.register_action("hog", { "http-req" }, function(txn)
                  local t = {}
                  for i = 1, 200000 do t[i] = string.rep("x", 100) .. i end
                  error("gave up")
                end)
                """)]));
        long before = (await node.GetLuaStatusAsync().WaitAsync(Wait)).Single(s => s.StateId == 1).MemoryBytes;
        var run = Transaction("lua.hog", "web");

        node.Workers.Single().Tell(run);
        await run.Completion.Task.WaitAsync(Wait);

        long after = (await node.GetLuaStatusAsync().WaitAsync(Wait)).Single(s => s.StateId == 1).MemoryBytes;
        Assert.True(after < before + (4 << 20), $"state 1 held {before} bytes before the failed action and {after} after");
    }

    [Fact]
    public async Task SharedStateFetch_HoldsItsRule_NotTheWorker_AndTheRuleSeesEachSampleOnce()
    {
        var node = await StartAsync(_scripts.Config(threads: 1,
            shared: [_scripts.Write("shared.lua", """
                core.register_fetches("slow", function(txn)
                  local until_ = os.clock() + 1.5
                  while os.clock() < until_ do end
                  return "slow"
                end)
                """)],
            perThread: [_scripts.Write("worker.lua", """
                local calls = 0
                core.register_fetches("calls", function(txn) calls = calls + 1 return calls end)
                core.register_action("fast", { "http-req" }, function(txn) txn.http:req_set_header("x-fast", "done") end)
                """)]));
        var worker = node.Workers.Single();
        var slow = Transaction("set-header x-slow %[lua.calls]-%[lua.slow]-%[lua.calls]", "slow");
        var fast = Transaction("lua.fast", "fast");

        worker.Tell(slow);
        worker.Tell(fast);
        await fast.Completion.Task.WaitAsync(Wait);

        Assert.False(slow.Completion.Task.IsCompleted);
        Assert.Equal("done", fast.Exchange.RequestHeaders.GetLast("x-fast"));
        await slow.Completion.Task.WaitAsync(Wait);
        // The local fetch ran once before the wait and once after: the rule ran again from its
        // start with the first value replayed, not computed again.
        Assert.Equal("1-slow-2", slow.Exchange.RequestHeaders.GetLast("x-slow"));
    }

    [Fact]
    public async Task SharedState_AfterAFaultInItsActor_IsLoadedAgainFromItsFiles()
    {
        var node = await StartAsync(_scripts.Config(threads: 1, shared: [_scripts.Write("shared.lua", """
            local calls, inits = 0, 0
            core.register_init(function() inits = inits + 1 end)
            core.register_fetches("count", function(txn) calls = calls + 1 return inits .. "/" .. calls end)
            """)]));
        var snapshot = HttpExchangeSnapshot.Of(new HttpExchange("web", "GET", "/", null, "HTTP/1.1"));
        var call = new CallSharedLua(LuaFunctionKind.SampleFetch, "count", snapshot, null, [], 1);
        Assert.Equal("1/1", (await node.SharedLua.Ask<SharedLuaResult>(call, Wait)).Sample);

        // A handler that throws: its backoff supervisor starts it again; a call in the gap goes
        // unanswered and its caller's timeout ends it.
        node.SharedLua.Tell(new CallSharedLua(LuaFunctionKind.SampleFetch, "count", null!, null, [], 1));

        await AwaitAssertAsync(async () => Assert.Equal("1/1", (await node.SharedLua.Ask<SharedLuaResult>(call, TimeSpan.FromSeconds(1))).Sample), Wait);
        Assert.Equal("1/2", (await node.SharedLua.Ask<SharedLuaResult>(call, Wait)).Sample);
    }

    // A transaction of frontend "web" (its name in the exchange tells transactions apart) running one rule.
    private static RunHttpRequest Transaction(string rule, string name) =>
        new(Frontend(rule), new HttpExchange(name, "GET", "/", null, "HTTP/1.1"), new TaskCompletionSource());

    private static Runtime.Config.FrontendSettings Frontend(string rule) => new()
    {
        Name = "web",
        Bind = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1),
        HttpRequest = [Runtime.Rules.HttpRuleParser.ParseRequest(rule)],
        DefaultBackend = "app",
    };

    private Task<ProxyNode> StartAsync(Runtime.Config.ProxyConfig config, bool startTasks = true) =>
        ProxyNode.StartAsync(Sys, config, NullLoggerFactory.Instance, startTasks);

    private async Task AssertSystemStopped() => await Sys.WhenTerminated.WaitAsync(Wait);
}
