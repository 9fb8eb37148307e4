using ActorProxy.Runtime.Lua;
using Microsoft.Extensions.Time.Testing;

namespace ActorProxy.Runtime.Tests.Lua;

public class LuaContextTests
{
    private static readonly TimeSpan NoTimeout = Timeout.InfiniteTimeSpan;

    [Fact]
    public void Resume_FunctionReturns_OkWithResults()
    {
        using var lua = new LuaTestState();
        int add = lua.Function("function add(a, b) return a + b, 'done' end", "add");
        using var context = lua.State.CreateContext(NoTimeout);

        context.Start(add);
        context.PushArgument(40);
        context.PushArgument(2);

        Assert.Equal(LuaExecResult.Ok, context.Resume(yieldAllowed: true));
        Assert.Equal(LuaContextState.Stopped, context.State);
        Assert.Equal(2, context.ResultCount);
        Assert.Equal(42, context.GetInteger(1));
        Assert.Equal("done", context.GetString(2));
    }

    [Fact]
    public void Resume_WhenLuaYields_ReturnsAgainAndContinuesWithSentValues()
    {
        using var lua = new LuaTestState();
        int twice = lua.Function("function twice() local v = coroutine.yield('first') return v * 2 end", "twice");
        using var context = lua.State.CreateContext(NoTimeout);

        context.Start(twice);
        Assert.Equal(LuaExecResult.Again, context.Resume(yieldAllowed: true));
        Assert.False(context.YieldedByHook);
        Assert.Equal(LuaContextState.Running, context.State);
        Assert.Equal("first", context.GetString(1));

        context.PushArgument(21);
        Assert.Equal(LuaExecResult.Ok, context.Resume(yieldAllowed: true));
        Assert.Equal(42, context.GetInteger(1));
    }

    [Fact]
    public void FailedCall_ThatBuiltMuchGarbage_GivesTheMemoryBack()
    {
        using var lua = new LuaTestState();
        int hog = lua.Function("""
            function hog()
              local t = {}
              for i = 1, 200000 do t[i] = string.rep("x", 100) .. i end
              error("gave up")
            end
            """, "hog");
        using var context = lua.State.CreateContext(NoTimeout);
        lua.State.CollectGarbage();
        long before = lua.State.MemoryBytes;

        context.Start(hog);

        Assert.NotEqual(LuaExecResult.Ok, context.Resume(yieldAllowed: false));
        Assert.Contains("gave up", context.ErrorMessage);
        Assert.True(lua.State.MemoryBytes < before + (1 << 20), $"the state holds {lua.State.MemoryBytes - before} bytes more than before the call");
    }

    [Fact]
    public void Resume_YieldWhereNotAllowed_FailsWithYieldNotAllowed()
    {
        using var lua = new LuaTestState();
        int waits = lua.Function("function waits() coroutine.yield() end", "waits");
        using var context = lua.State.CreateContext(NoTimeout);

        context.Start(waits);

        Assert.Equal(LuaExecResult.ErrorMessage, context.Resume(yieldAllowed: false));
        Assert.Equal("yield not allowed", context.ErrorMessage);
        Assert.Equal(LuaContextState.Stopped, context.State);
    }

    [Fact]
    public void Resume_AfterRuntimeError_RenewsCoroutineAndKeepsState()
    {
        using var lua = new LuaTestState();
        int bump = lua.Function("""
            counter = 0
            function bump(fail)
              counter = counter + 1
              if fail then error("boom") end
              return counter
            end
            """, "bump");
        using var context = lua.State.CreateContext(NoTimeout);

        context.Start(bump);
        context.PushArgument(true);
        Assert.Equal(LuaExecResult.ErrorMessage, context.Resume(yieldAllowed: true));
        Assert.Equal("runtime error: test:4: boom", context.ErrorMessage);

        context.Start(bump);
        context.PushArgument(false);
        Assert.Equal(LuaExecResult.Ok, context.Resume(yieldAllowed: true));
        Assert.Equal(2, context.GetInteger(1));
        Assert.Null(context.ErrorMessage);
    }

    [Fact]
    public void Resume_ErrorWithNonStringValue_ReportsUnknownRuntimeError()
    {
        using var lua = new LuaTestState();
        int fails = lua.Function("function fails() error({}) end", "fails");
        using var context = lua.State.CreateContext(NoTimeout);

        context.Start(fails);

        Assert.Equal(LuaExecResult.ErrorMessage, context.Resume(yieldAllowed: true));
        Assert.Equal("unknown runtime error", context.ErrorMessage);
    }

    [Theory]
    [InlineData(2, "boom", "runtime error: boom")]
    [InlineData(2, null, "unknown runtime error")]
    [InlineData(4, null, "out of memory error")]
    [InlineData(5, "loop", "message handler error: loop")]
    [InlineData(5, null, "message handler error")]
    [InlineData(99, null, "unknown error")]
    public void DescribeError_GivesHaproxyMessages(int status, string? message, string expected)
    {
        Assert.Equal(expected, LuaContext.DescribeError(status, message));
    }

    [Fact]
    public void Resume_ForcedYieldWhereAllowed_ReturnsAgainFromHookUntilDone()
    {
        using var lua = new LuaTestState(new LuaTune { ForcedYield = 100 });
        int loop = lua.Function("function loop() local s = 0 for i = 1, 10000 do s = s + i end return s end", "loop");
        using var context = lua.State.CreateContext(NoTimeout);

        context.Start(loop);
        int forcedYields = 0;
        LuaExecResult result;
        while ((result = context.Resume(yieldAllowed: true)) == LuaExecResult.Again)
        {
            Assert.True(context.YieldedByHook);
            forcedYields++;
        }

        Assert.Equal(LuaExecResult.Ok, result);
        Assert.Equal(50005000, context.GetInteger(1));
        Assert.InRange(forcedYields, 10, 10000);
    }

    [Fact]
    public void Resume_ForcedYieldWhereNotAllowed_RunsToTheEndInOneResume()
    {
        using var lua = new LuaTestState(new LuaTune { ForcedYield = 100 });
        int loop = lua.Function("function loop() local s = 0 for i = 1, 10000 do s = s + i end return s end", "loop");
        using var context = lua.State.CreateContext(NoTimeout);

        context.Start(loop);

        Assert.Equal(LuaExecResult.Ok, context.Resume(yieldAllowed: false));
        Assert.Equal(50005000, context.GetInteger(1));
    }

    [Fact]
    public void Resume_InfiniteLoopWhereNotAllowed_AbortsAtTimeout()
    {
        var time = new FakeTimeProvider();
        using var lua = new LuaTestState(new LuaTune { ForcedYield = 1000 }, time);
        lua.State.Expose(null, "tick", call =>
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            return call.Return();
        });
        int spin = lua.Function("function spin() while true do tick() end end", "spin");
        using var context = lua.State.CreateContext(TimeSpan.FromSeconds(1));

        context.Start(spin);

        Assert.Equal(LuaExecResult.ErrorMessage, context.Resume(yieldAllowed: false));
        Assert.Equal("execution timeout", context.ErrorMessage);
        Assert.True(context.RunTime > TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Resume_InfiniteLoopWhereAllowed_YieldsThenAbortsAtTimeout()
    {
        var time = new FakeTimeProvider();
        using var lua = new LuaTestState(new LuaTune { ForcedYield = 1000 }, time);
        lua.State.Expose(null, "tick", call =>
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            return call.Return();
        });
        int spin = lua.Function("function spin() while true do tick() end end", "spin");
        using var context = lua.State.CreateContext(TimeSpan.FromSeconds(1));

        context.Start(spin);
        LuaExecResult result;
        int resumes = 0;
        while ((result = context.Resume(yieldAllowed: true)) == LuaExecResult.Again)
        {
            resumes++;
        }

        Assert.Equal(LuaExecResult.ErrorMessage, result);
        Assert.Equal("execution timeout", context.ErrorMessage);
        Assert.True(resumes > 0);
    }

    [Fact]
    public void Resume_InfiniteLoopInsideNonYieldableCallback_AbortsAtTimeout()
    {
        var time = new FakeTimeProvider();
        using var lua = new LuaTestState(new LuaTune { ForcedYield = 1000 }, time);
        lua.State.Expose(null, "tick", call =>
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            return call.Return();
        });
        // string.gsub calls back into Lua from C: that callback cannot yield.
        int spin = lua.Function("function spin() return (string.gsub('x', 'x', function() while true do tick() end end)) end", "spin");
        using var context = lua.State.CreateContext(TimeSpan.FromSeconds(1));

        context.Start(spin);
        LuaExecResult result;
        while ((result = context.Resume(yieldAllowed: true)) == LuaExecResult.Again)
        {
        }

        Assert.Equal(LuaExecResult.ErrorMessage, result);
        Assert.Equal("execution timeout", context.ErrorMessage);
    }

    [Fact]
    public void Resume_InfiniteLoopInUserCoroutineThatSwallowsErrors_StillAbortsAtTimeout()
    {
        var time = new FakeTimeProvider();
        using var lua = new LuaTestState(new LuaTune { ForcedYield = 1000 }, time);
        lua.State.Expose(null, "tick", call =>
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            return call.Return();
        });
        int spin = lua.Function("""
            function spin()
              while true do
                local co = coroutine.create(function() while true do tick() end end)
                pcall(coroutine.resume, co)
              end
            end
            """, "spin");
        using var context = lua.State.CreateContext(TimeSpan.FromSeconds(1));

        context.Start(spin);

        Assert.Equal(LuaExecResult.ErrorMessage, context.Resume(yieldAllowed: false));
        Assert.Equal("execution timeout", context.ErrorMessage);
    }

    [Fact]
    public void Resume_AfterTimeout_NextCallRunsClean()
    {
        var time = new FakeTimeProvider();
        using var lua = new LuaTestState(new LuaTune { ForcedYield = 1000 }, time);
        lua.State.Expose(null, "tick", call =>
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            return call.Return();
        });
        int spin = lua.Function("function spin() while true do tick() end end", "spin");
        int answer = lua.Function("function answer() return 42 end", "answer");
        using var context = lua.State.CreateContext(TimeSpan.FromSeconds(1));
        context.Start(spin);
        Assert.Equal(LuaExecResult.ErrorMessage, context.Resume(yieldAllowed: false));

        context.Start(answer);

        Assert.Equal(LuaExecResult.Ok, context.Resume(yieldAllowed: false));
        Assert.Equal(42, context.GetInteger(1));
    }

    [Fact]
    public void Start_WhileCallInProgress_Throws()
    {
        using var lua = new LuaTestState();
        int waits = lua.Function("function waits() coroutine.yield() end", "waits");
        using var context = lua.State.CreateContext(NoTimeout);
        context.Start(waits);
        Assert.Equal(LuaExecResult.Again, context.Resume(yieldAllowed: true));

        Assert.Throws<InvalidOperationException>(() => context.Start(waits));
    }

    [Fact]
    public void Dispose_ReleasesCoroutineForCollection()
    {
        using var lua = new LuaTestState();
        int waits = lua.Function("function waits() local big = string.rep('x', 1 << 20) coroutine.yield() return #big end", "waits");
        lua.State.CollectGarbage();
        long before = lua.State.MemoryBytes;

        var context = lua.State.CreateContext(NoTimeout);
        context.Start(waits);
        Assert.Equal(LuaExecResult.Again, context.Resume(yieldAllowed: true));
        lua.State.CollectGarbage();
        Assert.True(lua.State.MemoryBytes > before + (1 << 20));

        context.Dispose();
        lua.State.CollectGarbage();

        Assert.True(lua.State.MemoryBytes < before + (64 << 10));
    }
}
