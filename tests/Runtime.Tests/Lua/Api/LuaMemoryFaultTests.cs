using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Runtime.Tests.Lua.Api;

public sealed class LuaMemoryFaultTests
{
    private readonly CapturingLogger _log = new();

    [Fact]
    public void ActionPastMaxMem_IsAnErrorLikeAnyOther_AndTheStateGoesOn()
    {
        using var lua = new LuaScriptEngine(new LuaTune { MaxMem = 4 << 20 }, _log);
        var greedy = lua.Load("""
            core.register_action("greedy", { "http-req" }, function(txn)
              local t = {}
              for i = 1, 1e7 do t[i] = string.rep("x", 64) .. i end
            end)
            core.register_action("modest", { "http-req" }, function(txn)
              txn.http:req_set_header("x-ok", string.rep("y", 10))
            end)
            """);
        lua.Engine.CompleteBoot();
        var exchange = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1");

        // Forced yields hand the action back between slices; its owner resumes it to its end.
        var waiting = greedy.Http.RunAction(LuaFunctionKind.HttpRequestAction, "greedy", exchange, []);
        while (waiting is not null && !waiting.Resume())
        {
        }
        greedy.State.CollectGarbage();
        greedy.Http.RunAction(LuaFunctionKind.HttpRequestAction, "modest", exchange, []);

        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Lua action 'lua.greedy' (state 1): out of memory error"));
        Assert.Equal("yyyyyyyyyy", exchange.RequestHeaders.GetLast("x-ok"));
        Assert.True(lua.Engine.Allocator.AllocatedBytes <= 4 << 20);
    }
}
