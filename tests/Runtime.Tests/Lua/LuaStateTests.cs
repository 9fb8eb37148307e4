using ActorProxy.Runtime.Lua;

namespace ActorProxy.Runtime.Tests.Lua;

public class LuaStateTests
{
    [Fact]
    public void Expose_GlobalAndTableFunctions_AreCallableFromLua()
    {
        using var lua = new LuaTestState();
        lua.State.Expose(null, "add", call => call.Return(call.GetInteger(1) + call.GetInteger(2)));
        lua.State.Expose("core", "greet", call => call.Return($"hello {call.GetString(1)}"));

        lua.State.Execute("""
            assert(add(40, 2) == 42)
            assert(core.greet("lua") == "hello lua")
            assert(select('#', add(1, 1)) == 1)
            """);
    }

    [Fact]
    public void Fail_RaisesLuaErrorAtTheCaller()
    {
        using var lua = new LuaTestState();
        lua.State.Expose(null, "refuse", call => call.Fail("refused: " + call.GetString(1)));

        lua.State.Execute("""
            local ok, err = pcall(function()
              refuse("because")
            end)
            assert(not ok)
            assert(err == "test:2: refused: because", err)
            """, "=test");
    }

    [Fact]
    public void Fail_UncaughtInContext_EndsCallWithRuntimeError()
    {
        using var lua = new LuaTestState();
        lua.State.Expose(null, "refuse", call => call.Fail("nope"));
        int calls = lua.Function("function calls() refuse() end", "calls");
        using var context = lua.State.CreateContext(Timeout.InfiniteTimeSpan);

        context.Start(calls);

        Assert.Equal(LuaExecResult.ErrorMessage, context.Resume(yieldAllowed: true));
        Assert.Equal("runtime error: test:1: nope", context.ErrorMessage);
    }

    [Fact]
    public void BadArgument_ReadsLikeLuaOwnMessage()
    {
        using var lua = new LuaTestState();
        lua.State.Expose("core", "msleep", call => call.Return(call.GetInteger(1)));

        lua.State.Execute("""
            local ok, err = pcall(core.msleep, "soon")
            assert(err:find("bad argument #1 to 'core.msleep' (number expected, got string)", 1, true), err)
            ok, err = pcall(core.msleep)
            assert(err:find("(number expected, got no value)", 1, true), err)
            ok, err = pcall(core.msleep, 1.5)
            assert(err:find("number has no integer representation", 1, true), err)
            assert(core.msleep("12") == 12)
            """);
    }

    [Fact]
    public void ExceptionInCSharpFunction_BecomesLuaError()
    {
        using var lua = new LuaTestState();
        lua.State.Expose(null, "broken", _ => throw new InvalidOperationException("it broke"));

        lua.State.Execute("""
            local ok, err = pcall(broken)
            assert(not ok and err:find("broken: internal error: it broke", 1, true), err)
            """);
    }

    [Fact]
    public void Load_SyntaxError_NamesChunkAndLine()
    {
        using var lua = new LuaTestState();

        var failure = Assert.Throws<LuaScriptException>(() => lua.State.Load("x = 1\ny = = 2"u8, "@lua/broken.lua"));

        Assert.StartsWith("lua/broken.lua:2:", failure.Message);
    }

    [Fact]
    public void RunFile_Missing_NamesTheFile()
    {
        using var lua = new LuaTestState();

        var failure = Assert.Throws<LuaScriptException>(() => lua.State.RunFile("no/such/file.lua"));

        Assert.StartsWith("no/such/file.lua: cannot read Lua file", failure.Message);
    }

    [Fact]
    public void RunFile_RuntimeError_NamesFileAndLine()
    {
        using var lua = new LuaTestState();
        string path = Path.Combine(Path.GetTempPath(), $"actorproxy-{Guid.NewGuid():N}.lua");
        File.WriteAllText(path, "local x = 1\nerror('bad config value')\n");
        try
        {
            var failure = Assert.Throws<LuaScriptException>(() => lua.State.RunFile(path));

            Assert.Equal($"runtime error: {path}:2: bad config value", failure.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Run_InfiniteLoopAtLoadTime_AbortsAtTaskTimeout()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var lua = new LuaTestState(new LuaTune { ForcedYield = 1000, TaskTimeout = TimeSpan.FromSeconds(4) }, time);
        lua.State.Expose(null, "tick", call =>
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            return call.Return();
        });

        var failure = Assert.Throws<LuaScriptException>(() => lua.State.Execute("while true do tick() end"));

        Assert.Equal("execution timeout", failure.Message);
    }

    [Fact]
    public void GetGlobalFunction_NotAFunction_Throws()
    {
        using var lua = new LuaTestState();
        lua.State.Execute("answer = 42");

        var failure = Assert.Throws<LuaScriptException>(() => lua.State.GetGlobalFunction("answer"));

        Assert.Contains("'answer' is not a function (it is number)", failure.Message);
    }

    [Fact]
    public async Task ErrorsFromCSharp_AMillionTimesOnTwoThreadsWithGcRunning_ProcessStaysHealthy()
    {
        const int perThread = 500_000;
        const int exceptionsPerThread = 5_000;
        using var allocator = new LuaAllocator();
        using var first = NewStressState(1, allocator);
        using var second = NewStressState(2, allocator);
        using var stop = new CancellationTokenSource();
        var collector = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(1);
            }
        }, TaskCreationOptions.LongRunning);

        var runs = new[] { first, second }.Select(state => Task.Factory.StartNew(() =>
        {
            using var context = state.CreateContext(Timeout.InfiniteTimeSpan);
            context.Start(state.GetGlobalFunction("stress"));
            context.PushArgument(perThread);
            context.PushArgument(exceptionsPerThread);
            Assert.Equal(LuaExecResult.Ok, context.Resume(yieldAllowed: false));
            return context.GetInteger(1);
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(runs);
        await stop.CancelAsync();
        await collector;

        Assert.All(await Task.WhenAll(runs), caught => Assert.Equal(perThread + exceptionsPerThread, caught));
        Assert.Equal(first.MemoryBytes + second.MemoryBytes, allocator.AllocatedBytes);
        first.Execute("local ok, err = pcall(fail, 7) assert(err:find('boom 7', 1, true))");
    }

    private static LuaState NewStressState(int id, LuaAllocator allocator)
    {
        var state = new LuaState(id, allocator, new LuaTune());
        state.Expose(null, "fail", call => call.Fail("boom " + call.GetInteger(1)));
        state.Expose(null, "throws", _ => throw new InvalidOperationException("thrown"));
        state.Execute("""
            function stress(n, m)
              local caught = 0
              for i = 1, n do
                local ok, err = pcall(fail, i)
                if not ok and err:sub(-#tostring(i)) == tostring(i) then caught = caught + 1 end
              end
              for i = 1, m do
                local ok, err = pcall(throws)
                if not ok and err:find("thrown", 1, true) then caught = caught + 1 end
              end
              return caught
            end
            """);
        return state;
    }
}
