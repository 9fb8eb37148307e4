using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Lua.Api;
using Microsoft.Extensions.Time.Testing;

namespace ActorProxy.Runtime.Tests.Lua.Api;

public class LuaCoreExtrasTests
{
    [Fact]
    public void Done_EndsTheCallAsIfItReturned()
    {
        using var engine = new LuaEngine(new LuaTune());
        var state = engine.CreateState(1);
        LuaCoreApi.Install(state, engine.Registry);
        state.Execute("function f() reached = 1 core.done() reached = 2 end");
        using var context = state.CreateContext(Timeout.InfiniteTimeSpan);

        context.Start(state.GetGlobalFunction("f"));

        Assert.Equal(LuaExecResult.Ok, context.Resume(yieldAllowed: false));
        state.Execute("assert(reached == 1)");
    }

    [Fact]
    public void NowAndConcat_WorkAsInHaproxy()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        using var engine = new LuaEngine(new LuaTune(), time);
        var state = engine.CreateState(1);
        LuaCoreApi.Install(state, engine.Registry);

        state.Execute("""
            local t = core.now()
            assert(t.sec == 1700000000 and t.usec == 123000, t.sec .. " " .. t.usec)
            local c = core.concat()
            c:add("a") c:add(1) c:add("b")
            assert(c:dump() == "a1b")
            """);
    }
}
