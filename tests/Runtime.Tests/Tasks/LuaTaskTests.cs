using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Lua.Api;
using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Runtime.Tests.Tasks;

public class LuaTaskTests
{
    [Fact]
    public void Step_FollowsSleepYieldAndReturn()
    {
        using var engine = new LuaEngine(new LuaTune());
        var state = engine.CreateState(1);
        var core = LuaCoreApi.Install(state, engine.Registry);
        state.Execute("""
            core.register_task(function(a, b)
              core.msleep(a)
              core.yield()
              core.sleep(b)
            end, 25, 2)
            """);
        using var task = new LuaTask(1, state, Assert.Single(core.TakeRegisteredTasks()));

        Assert.Equal(new LuaTaskStep(LuaTaskStepKind.ResumeAfter, TimeSpan.FromMilliseconds(25)), task.Step());
        Assert.Equal(new LuaTaskStep(LuaTaskStepKind.ResumeSoon), task.Step());
        Assert.Equal(new LuaTaskStep(LuaTaskStepKind.ResumeAfter, TimeSpan.FromSeconds(2)), task.Step());
        Assert.Equal(new LuaTaskStep(LuaTaskStepKind.Finished), task.Step());
        Assert.Empty(core.TakeRegisteredTasks());
    }

    [Fact]
    public void Step_ErrorEndsTheTaskWithItsMessage()
    {
        using var engine = new LuaEngine(new LuaTune());
        var state = engine.CreateState(1);
        var core = LuaCoreApi.Install(state, engine.Registry);
        state.Execute("core.register_task(function() core.msleep(-1) end)", "@t.lua");
        using var task = new LuaTask(1, state, Assert.Single(core.TakeRegisteredTasks()));

        var step = task.Step();

        Assert.Equal(LuaTaskStepKind.Failed, step.Kind);
        Assert.Contains("the delay must not be negative", step.Error);
    }

    [Fact]
    public void SleepWhereYieldIsNotAllowed_IsAnError()
    {
        using var engine = new LuaEngine(new LuaTune());
        var state = engine.CreateState(1);
        LuaCoreApi.Install(state, engine.Registry);

        var failure = Assert.Throws<LuaScriptException>(() => state.Execute("core.msleep(10)"));

        Assert.Equal("yield not allowed", failure.Message);
    }
}
