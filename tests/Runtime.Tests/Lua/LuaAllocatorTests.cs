using ActorProxy.Runtime.Lua;

namespace ActorProxy.Runtime.Tests.Lua;

public class LuaAllocatorTests
{
    // Makes and drops garbage of mixed sizes, keeping some alive, so that the allocator sees
    // many allocations, reallocations and frees.
    private const string Churn = """
        function churn(rounds)
          local keep = {}
          for i = 1, rounds do
            local t = { i, tostring(i), string.rep("x", i % 200) }
            keep[i % 64] = t
            if i % 5000 == 0 then collectgarbage("step") end
          end
          return #keep
        end
        """;

    [Fact]
    public async Task Accounting_TwoThreadsInTwoStates_CounterEqualsWhatStatesHold()
    {
        using var allocator = new LuaAllocator();
        using var first = new LuaState(1, allocator, new LuaTune());
        using var second = new LuaState(2, allocator, new LuaTune());

        await RunConcurrently(first, second, rounds: 200_000);

        Assert.True(allocator.IsAccounting);
        Assert.Equal(first.MemoryBytes + second.MemoryBytes, allocator.AllocatedBytes);
        first.CollectGarbage();
        second.CollectGarbage();
        Assert.Equal(first.MemoryBytes + second.MemoryBytes, allocator.AllocatedBytes);
    }

    [Fact]
    public async Task Accounting_WithLimitTwoThreads_CounterEqualsWhatStatesHold()
    {
        using var allocator = new LuaAllocator();
        allocator.SetLimit(512L << 20);
        using var first = new LuaState(1, allocator, new LuaTune());
        using var second = new LuaState(2, allocator, new LuaTune());
        allocator.CompleteBoot();

        await RunConcurrently(first, second, rounds: 200_000);

        Assert.True(allocator.IsAccounting);
        Assert.Equal(first.MemoryBytes + second.MemoryBytes, allocator.AllocatedBytes);
    }

    [Fact]
    public void Closing_AllStates_BringsCounterBackToZero()
    {
        using var allocator = new LuaAllocator();
        var first = new LuaState(1, allocator, new LuaTune());
        var second = new LuaState(2, allocator, new LuaTune());
        first.Execute("big = string.rep('y', 100000)");

        first.Dispose();
        second.Dispose();

        Assert.Equal(0, allocator.AllocatedBytes);
    }

    [Fact]
    public void Limit_HoldsAcrossStates()
    {
        using var allocator = new LuaAllocator();
        using var first = new LuaState(1, allocator, new LuaTune());
        using var second = new LuaState(2, allocator, new LuaTune());
        // string.rep holds a buffer and the string at its peak: 4 MiB for a 2 MiB result.
        allocator.SetLimit(allocator.AllocatedBytes + (5L << 20));
        allocator.CompleteBoot();

        first.Execute("held = string.rep('a', 2 * 1024 * 1024)");
        var failure = Assert.Throws<LuaScriptException>(() => second.Execute("held = string.rep('b', 2 * 1024 * 1024)"));

        Assert.Equal("out of memory error", failure.Message);
        Assert.True(allocator.AllocatedBytes <= allocator.LimitBytes);
        // string.rep's buffer comes straight from the allocator, outside Lua's own count, until collected.
        second.CollectGarbage();
        Assert.Equal(first.MemoryBytes + second.MemoryBytes, allocator.AllocatedBytes);
    }

    [Fact]
    public void Limit_LuaSeesNotEnoughMemory_AndStateGoesOnAfterwards()
    {
        using var allocator = new LuaAllocator();
        using var state = new LuaState(1, allocator, new LuaTune());
        allocator.SetLimit(allocator.AllocatedBytes + (1L << 20));
        allocator.CompleteBoot();

        state.Execute("""
            local ok, err = pcall(string.rep, 'a', 4 * 1024 * 1024)
            assert(not ok and err == 'not enough memory', tostring(err))
            small = string.rep('a', 1000)
            """);
    }

    [Fact]
    public void Limit_PassedByCSharpFunction_DoesNotRaiseThere_NextLuaAllocationFails()
    {
        using var allocator = new LuaAllocator();
        using var state = new LuaState(1, allocator, new LuaTune());
        state.Expose(null, "big", call => call.Return(new string('z', 2 << 20)));
        allocator.SetLimit(allocator.AllocatedBytes + (1L << 20));
        allocator.CompleteBoot();

        var failure = Assert.Throws<LuaScriptException>(() => state.Execute("""
            local s = big()
            assert(#s == 2 * 1024 * 1024)
            local t = {}
            for i = 1, 100000 do t[i] = {} end
            """));

        // The 2 MB string passed the limit (the assert after big() held); the table did not.
        Assert.Equal("out of memory error", failure.Message);
        // The failed call's garbage is collected at once (issue #12): back under the limit.
        Assert.True(allocator.AllocatedBytes <= allocator.LimitBytes);
    }

    [Fact]
    public unsafe void FailedSystemAllocation_RollsBackReservation()
    {
        using var allocator = new LuaAllocator();
        long before = allocator.AllocatedBytes;

        // 2^47 bytes cannot be mapped in a 47-bit user address space, whatever the overcommit mode.
        nint block = LuaAllocator.Function(allocator.UserData, 0, 0, (nuint)1 << 47);

        Assert.Equal(0, block);
        Assert.Equal(before, allocator.AllocatedBytes);
    }

    [Fact]
    public unsafe void Allocate_ReallocAndFree_AccountsSizeDifferences()
    {
        using var allocator = new LuaAllocator();
        var allocate = LuaAllocator.Function;

        nint block = allocate(allocator.UserData, 0, 5 /* a kind, not a size */, 100);
        Assert.Equal(100, allocator.AllocatedBytes);
        block = allocate(allocator.UserData, block, 100, 300);
        Assert.Equal(300, allocator.AllocatedBytes);
        block = allocate(allocator.UserData, block, 300, 0);

        Assert.Equal(0, block);
        Assert.Equal(0, allocator.AllocatedBytes);
    }

    [Fact]
    public void CompleteBoot_WithoutLimit_TakesFastPathAndLeavesCounterAlone()
    {
        using var allocator = new LuaAllocator();
        using var state = new LuaState(1, allocator, new LuaTune());
        allocator.CompleteBoot();
        long frozen = allocator.AllocatedBytes;

        state.Execute("held = {} for i = 1, 10000 do held[i] = tostring(i) end");

        Assert.False(allocator.IsAccounting);
        Assert.Equal(frozen, allocator.AllocatedBytes);
        Assert.True(state.MemoryBytes > frozen + 100_000);
    }

    [Fact]
    public void CompleteBoot_WithLimit_KeepsAccounting()
    {
        using var allocator = new LuaAllocator();
        allocator.SetLimit(64L << 20);
        using var state = new LuaState(1, allocator, new LuaTune());
        allocator.CompleteBoot();

        state.Execute("held = {} for i = 1, 10000 do held[i] = tostring(i) end");

        Assert.True(allocator.IsAccounting);
        Assert.Equal(state.MemoryBytes, allocator.AllocatedBytes);
    }

    [Fact]
    public void SetLimit_AfterBoot_Throws()
    {
        using var allocator = new LuaAllocator();
        allocator.CompleteBoot();

        Assert.Throws<InvalidOperationException>(() => allocator.SetLimit(1 << 20));
    }

    [Fact]
    public void Dispose_WithLiveState_Throws()
    {
        var allocator = new LuaAllocator();
        var state = new LuaState(1, allocator, new LuaTune());

        Assert.Throws<InvalidOperationException>(allocator.Dispose);

        state.Dispose();
        allocator.Dispose();
    }

    private static async Task RunConcurrently(LuaState first, LuaState second, int rounds)
    {
        int firstChurn = Prepare(first);
        int secondChurn = Prepare(second);
        using var start = new Barrier(2);
        var runs = new[] { (first, firstChurn), (second, secondChurn) }.Select(run => Task.Factory.StartNew(() =>
        {
            using var context = run.Item1.CreateContext(Timeout.InfiniteTimeSpan);
            start.SignalAndWait();
            context.Start(run.Item2);
            context.PushArgument(rounds);
            Assert.Equal(LuaExecResult.Ok, context.Resume(yieldAllowed: false));
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(runs);
    }

    private static int Prepare(LuaState state)
    {
        state.Execute(Churn);
        return state.GetGlobalFunction("churn");
    }
}
