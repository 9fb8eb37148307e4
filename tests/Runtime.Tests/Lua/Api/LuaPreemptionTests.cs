using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Runtime.Tests.Lua.Api;

public sealed class LuaPreemptionTests : IDisposable
{
    private readonly CapturingLogger _log = new();
    private readonly LuaScriptEngine _lua;

    public LuaPreemptionTests()
    {
        _lua = new LuaScriptEngine(new LuaTune { ForcedYield = 1000, SessionTimeout = TimeSpan.FromMilliseconds(200) }, _log);
    }

    [Fact]
    public void LongAction_IsHandedBackAtEachForcedYield_UntilItsTimeout()
    {
        var lua = _lua.Load("core.register_action('spin', { 'http-req' }, function(txn) while true do end end)");
        var exchange = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1");

        var waiting = lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "spin", exchange, []);
        int slices = 1;
        while (waiting is not null)
        {
            Assert.Equal(LuaTaskStepKind.ResumeSoon, waiting.Wait.Kind);
            slices++;
            if (waiting.Resume())
            {
                waiting = null;
            }
        }

        Assert.True(slices > 2, $"{slices} slices");
        Assert.Contains(_log.Entries, e => e.Message.Contains("Lua action 'lua.spin' (state 1): execution timeout"));
    }

    [Fact]
    public void LongFetch_RunsOnWithoutHandingBack_UntilItsTimeout()
    {
        var lua = _lua.Load("core.register_fetches('spin', function(txn) while true do end end)");

        Assert.Null(lua.Http.Fetch("spin", new HttpExchange("fe", "GET", "/", null, "HTTP/1.1"), []));
        Assert.Contains(_log.Entries, e => e.Message.Contains("sample-fetch 'lua.spin' (state 1): execution timeout"));
    }

    public void Dispose() => _lua.Dispose();
}
