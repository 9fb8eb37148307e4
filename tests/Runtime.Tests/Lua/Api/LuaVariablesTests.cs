using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;

namespace ActorProxy.Runtime.Tests.Lua.Api;

public sealed class LuaVariablesTests : IDisposable
{
    private readonly LuaScriptEngine _lua = new();

    [Fact]
    public void SetVar_ReturnsWhetherItSet_IfExistRestrictingOnlyProcessVariables()
    {
        var lua = _lua.Load("""
            core.register_action("vars", { "http-req" }, function(txn)
              local results = {
                tostring(txn:set_var("txn.a", "1")),
                tostring(txn:set_var("invalid.b", "2")),
                tostring(txn:set_var("txn.c", "3", true)),
                tostring(txn:set_var("txn.a", "4", true)),
                tostring(txn:unset_var("req.none")),
                tostring(txn:set_var("proc.never_declared", "5", true)),
                tostring(txn:set_var("res.early", "6")),
              }
              txn:set_var("txn.results", table.concat(results, ","))
            end)
            """);
        var exchange = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1");

        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "vars", exchange, []);

        Assert.Equal("true,false,true,true,true,false,false", exchange.Variables["txn.results"]);
        Assert.Equal("4", exchange.Variables["txn.a"]);
        Assert.Equal("3", exchange.Variables["txn.c"]);
        Assert.False(exchange.Variables.TryGetValue("res.early", out _));
    }

    public void Dispose() => _lua.Dispose();
}
