using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Lua.Api;
using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Runtime.Tests.Pools;

public class PooledObjectsTests
{
    [Fact]
    public void LuaContexts_ComeFromTheirStatesPool_AndGoBackCleanForReuse()
    {
        using var engine = new LuaEngine(new LuaTune());
        var state = engine.CreateState(1);
        var core = LuaCoreApi.Install(state, engine.Registry);
        state.Execute("""
            core.register_task(function() core.yield() end)
            core.register_task(function() return 1 end)
            """);
        var functions = core.TakeRegisteredTasks();
        var pool = Assert.Single(engine.Pools.Pools, p => p.Name == "lua_ctx.1");

        // The first task is abandoned in the middle of its run: its context must come back renewed.
        using (var abandoned = new LuaTask(1, state, functions[0]))
        {
            Assert.Equal(LuaTaskStepKind.ResumeSoon, abandoned.Step().Kind);
            Assert.Equal(1, pool.Used);
        }
        using var second = new LuaTask(2, state, functions[1]);
        var step = second.Step();

        Assert.Equal(LuaTaskStepKind.Finished, step.Kind);
        Assert.Equal(1, pool.Allocated);
    }

    [Fact]
    public void HttpExchange_Reset_StartsANewTransaction()
    {
        var exchange = new HttpExchange("fe", "POST", "/a", "x=1", "HTTP/1.1") { ClientAddress = "10.0.0.1", ClientPort = 1 };
        exchange.RequestHeaders.Add("a", "1");
        exchange.ResponseHeaders.Add("b", "2");
        exchange.Variables.Set("txn.v", 1L);
        exchange.Status = 500;
        exchange.Backend = "be";
        exchange.Reply = new HttpReply(403);
        long firstId = exchange.Id;

        exchange.Reset("fe2", "GET", "/b", null, "HTTP/2");

        Assert.NotEqual(firstId, exchange.Id);
        Assert.Equal(("fe2", "GET", "/b", null, "HTTP/2"), (exchange.Frontend, exchange.Method, exchange.Path, exchange.Query, exchange.Version));
        Assert.Empty(exchange.RequestHeaders.Fields);
        Assert.Empty(exchange.ResponseHeaders.Fields);
        Assert.Empty(exchange.Variables.Local);
        Assert.Equal((0, null, null, ""), (exchange.Status, exchange.Backend, exchange.Reply, exchange.ClientAddress));
    }
}
