using ActorProxy.Runtime.Lua;

namespace ActorProxy.Runtime.Tests.Lua;

public class LuaGenerationTests
{
    [Fact]
    public void Retired_DrainsWhenItsLastLeaseIsGivenBack_NotBefore()
    {
        var generation = new LuaGeneration(1, 1, new LuaFunctionRegistry());
        generation.Enter();
        generation.Enter();

        generation.Leave();
        generation.Retire();
        Assert.False(generation.Drained.IsCompleted);
        generation.Leave();

        Assert.True(generation.Drained.IsCompletedSuccessfully);
        Assert.Equal(0, generation.Leases);
    }

    [Fact]
    public void ServingGeneration_WithoutLeases_DoesNotDrain_UntilRetired()
    {
        var generation = new LuaGeneration(1, 1, new LuaFunctionRegistry());
        generation.Enter();
        generation.Leave();

        Assert.False(generation.Drained.IsCompleted);
        generation.Retire();
        Assert.True(generation.Drained.IsCompletedSuccessfully);
    }

    [Fact]
    public void LeaseGivenBackTwice_Throws()
    {
        var generation = new LuaGeneration(1, 1, new LuaFunctionRegistry());
        generation.Enter();
        generation.Leave();

        Assert.Throws<InvalidOperationException>(generation.Leave);
    }

    [Fact]
    public void Engine_KeepsTheSameStateOfTwoGenerations_EachWithItsOwnRegistryAndPool()
    {
        using var engine = new LuaEngine(new LuaTune());
        var first = engine.CurrentGeneration;
        var next = engine.BeginGeneration(withSharedState: false);

        var old = engine.CreateState(1, first.Number);
        var reloaded = engine.CreateState(1, next.Number);

        Assert.NotSame(old, reloaded);
        Assert.NotSame(first.Registry, next.Registry);
        Assert.Equal((2, 1), (next.Number, next.SharedNumber));
        Assert.Contains("lua_ctx.1 ", engine.Pools.Dump());
        Assert.Contains("lua_ctx.1.g2 ", engine.Pools.Dump());
        engine.SwitchTo(next);
        Assert.Same(next, engine.CurrentGeneration);
        Assert.Same(next.Registry, engine.Registry);
        Assert.True(first.IsRetired);
        engine.CloseState(1, first.Number);
        engine.EndGeneration(first);
        Assert.Equal([next], engine.Generations);
        reloaded.Execute("assert(1 + 1 == 2)");
    }

    [Fact]
    public void Engine_NeverGivesANumberTwice_EvenAfterAFailedReload()
    {
        using var engine = new LuaEngine(new LuaTune());
        var failed = engine.BeginGeneration(withSharedState: true);
        engine.EndGeneration(failed);

        var next = engine.BeginGeneration(withSharedState: true);

        Assert.Equal((2, 3, 3), (failed.Number, next.Number, next.SharedNumber));
        Assert.Equal([1, 3], engine.Generations.Select(g => g.Number));
    }
}
