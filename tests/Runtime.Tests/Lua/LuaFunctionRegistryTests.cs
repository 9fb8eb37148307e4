using ActorProxy.Runtime.Lua;

namespace ActorProxy.Runtime.Tests.Lua;

public class LuaFunctionRegistryTests
{
    [Fact]
    public void Register_KeepsOneReferencePerState()
    {
        var registry = new LuaFunctionRegistry();

        var first = registry.Register(LuaFunctionKind.HttpRequestAction, "tag", stateId: 1, reference: 11);
        var second = registry.Register(LuaFunctionKind.HttpRequestAction, "tag", stateId: 2, reference: 22);

        Assert.Equal(LuaRegistrationOutcome.Added, first.Outcome);
        Assert.Equal(LuaRegistrationOutcome.AddedState, second.Outcome);
        Assert.Same(first.Function, second.Function);
        var tag = registry.Find(LuaFunctionKind.HttpRequestAction, "tag")!;
        Assert.Equal(LuaRegisteredFunction.NoReference, tag.GetReference(0));
        Assert.Equal(11, tag.GetReference(1));
        Assert.Equal(22, tag.GetReference(2));
        Assert.Equal(LuaRegisteredFunction.NoReference, tag.GetReference(3));
    }

    [Fact]
    public async Task Reference_ReadWhileStatesRegister_IsNeverAFalseOne()
    {
        // Per-thread states register concurrently at boot while others already read: a reader
        // sees NoReference or the state's own reference, never a slot not yet filled (0).
        var registry = new LuaFunctionRegistry();
        const int Functions = 200, States = 300;
        LuaRegisteredFunction? current = null;
        int wrong = 0;
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                if (Volatile.Read(ref current) is not { } function)
                {
                    continue;
                }
                for (int state = States - 1; state > 0; state--)
                {
                    int reference = function.GetReference(state);
                    if (reference != LuaRegisteredFunction.NoReference && reference != 1000 + state)
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
            }
        })).ToArray();

        for (int f = 0; f < Functions; f++)
        {
            Volatile.Write(ref current, registry.Register(LuaFunctionKind.HttpRequestAction, $"f{f}", stateId: 0, reference: 1000).Function);
            for (int state = 1; state < States; state++)
            {
                registry.Register(LuaFunctionKind.HttpRequestAction, $"f{f}", stateId: state, reference: 1000 + state);
            }
        }
        await done.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Register_AgainInSameState_ReplacesAndReturnsOldReference()
    {
        var registry = new LuaFunctionRegistry();
        registry.Register(LuaFunctionKind.SampleFetch, "id", stateId: 0, reference: 5);

        var again = registry.Register(LuaFunctionKind.SampleFetch, "id", stateId: 0, reference: 6);

        Assert.Equal(LuaRegistrationOutcome.Replaced, again.Outcome);
        Assert.Equal(5, again.ReplacedReference);
        Assert.Equal(6, again.Function.GetReference(0));
    }

    [Fact]
    public void Register_SameNameDifferentKinds_AreDistinct()
    {
        var registry = new LuaFunctionRegistry();

        registry.Register(LuaFunctionKind.SampleFetch, "x", 0, 1);
        var converter = registry.Register(LuaFunctionKind.Converter, "x", 0, 2);

        Assert.Equal(LuaRegistrationOutcome.Added, converter.Outcome);
        Assert.Equal(2, registry.Functions.Count);
    }

    [Fact]
    public void CheckConsistency_SharedOnlyOrEveryThread_IsClean()
    {
        var registry = new LuaFunctionRegistry();
        registry.Register(LuaFunctionKind.Service, "hello", 0, 1);
        for (int thread = 1; thread <= 3; thread++)
        {
            registry.Register(LuaFunctionKind.HttpRequestAction, "tag", thread, 10 + thread);
        }

        Assert.Empty(registry.CheckConsistency(threads: 3));
    }

    [Fact]
    public void CheckConsistency_SharedAndPerThread_NamesTheFunction()
    {
        var registry = new LuaFunctionRegistry();
        registry.Register(LuaFunctionKind.HttpRequestAction, "x", 0, 1);
        registry.Register(LuaFunctionKind.HttpRequestAction, "x", 1, 2);
        registry.Register(LuaFunctionKind.HttpRequestAction, "x", 2, 3);

        var error = Assert.Single(registry.CheckConsistency(threads: 2));

        Assert.Equal(LuaConsistencyRule.SharedAndPerThread, error.Rule);
        Assert.Equal("x", error.Function.Name);
        Assert.Contains("action 'lua.x'", error.Message);
        Assert.Contains("lua-load", error.Message);
    }

    [Fact]
    public void CheckConsistency_InSomeThreadsOnly_NamesFunctionAndMissingThreads()
    {
        var registry = new LuaFunctionRegistry();
        registry.Register(LuaFunctionKind.SampleFetch, "x", 1, 2);

        var error = Assert.Single(registry.CheckConsistency(threads: 3));

        Assert.Equal(LuaConsistencyRule.NotInEveryThread, error.Rule);
        Assert.Contains("sample-fetch 'lua.x'", error.Message);
        Assert.Contains("thread state(s) 1 but not in 2, 3", error.Message);
    }

    [Fact]
    public void CheckConsistency_ReportsEveryViolation()
    {
        var registry = new LuaFunctionRegistry();
        registry.Register(LuaFunctionKind.HttpRequestAction, "both", 0, 1);
        registry.Register(LuaFunctionKind.HttpRequestAction, "both", 1, 2);
        registry.Register(LuaFunctionKind.HttpRequestAction, "both", 2, 3);
        registry.Register(LuaFunctionKind.Converter, "partial", 2, 4);
        registry.Register(LuaFunctionKind.Service, "fine", 0, 5);
        registry.Register(LuaFunctionKind.CliKeyword, "mixed", 0, 6);
        registry.Register(LuaFunctionKind.CliKeyword, "mixed", 1, 7);

        var errors = registry.CheckConsistency(threads: 2);

        Assert.Equal(
            [("both", LuaConsistencyRule.SharedAndPerThread), ("mixed", LuaConsistencyRule.NotInEveryThread),
             ("mixed", LuaConsistencyRule.SharedAndPerThread), ("partial", LuaConsistencyRule.NotInEveryThread)],
            errors.Select(e => (e.Function.Name, e.Rule)));
    }
}
