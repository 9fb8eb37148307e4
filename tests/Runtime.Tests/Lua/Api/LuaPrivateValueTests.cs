using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;

namespace ActorProxy.Runtime.Tests.Lua.Api;

public sealed class LuaPrivateValueTests : IDisposable
{
    private readonly LuaScriptEngine _lua = new();

    [Fact]
    public void Priv_LastsAcrossCallsOfOneTransaction_UntilReleased()
    {
        var lua = _lua.Load("""
            core.register_action("count", { "http-req", "http-res" }, function(txn)
              local n = (txn:get_priv() or 0) + 1
              txn:set_priv(n)
              txn.http:req_set_header("x-count", tostring(n))
            end)
            """);
        var first = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1");
        var second = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1");

        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "count", first, []);
        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "count", first, []);
        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "count", second, []);

        Assert.Equal("2", first.RequestHeaders.GetLast("x-count"));
        Assert.Equal("1", second.RequestHeaders.GetLast("x-count"));
        Assert.Equal(2, lua.Http.PrivateValues);

        lua.Http.Release(first.Id);
        lua.Http.Release(second.Id);
        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "count", first, []);

        Assert.Equal("1", first.RequestHeaders.GetLast("x-count"));
        Assert.Equal(1, lua.Http.PrivateValues);
    }

    [Fact]
    public void SetPriv_MarksTheTransaction_SoThatItsEndIsReported()
    {
        var lua = _lua.Load("""
            core.register_action("keep", { "http-req" }, function(txn) txn:set_priv("kept") end)
            core.register_action("read", { "http-req" }, function(txn) txn.http:req_set_header("x-priv", tostring(txn:get_priv())) end)
            """);
        var keeping = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1");
        var reading = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1");

        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "keep", keeping, []);
        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "read", reading, []);

        Assert.True(keeping.HoldsPrivateValue);
        Assert.False(reading.HoldsPrivateValue);
        keeping.Reset("fe", "GET", "/", null, "HTTP/1.1");
        Assert.False(keeping.HoldsPrivateValue);
    }

    public void Dispose() => _lua.Dispose();
}
