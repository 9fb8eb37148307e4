using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;

namespace ActorProxy.Runtime.Tests.Lua.Api;

public sealed class LuaPrivateValueTests : IDisposable
{
    private readonly LuaEngine _engine = new(new LuaTune());
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-priv");

    [Fact]
    public void Priv_LastsAcrossCallsOfOneTransaction_UntilReleased()
    {
        string path = Path.Combine(_directory.FullName, "priv.lua");
        File.WriteAllText(path, """
            core.register_action("count", { "http-req", "http-res" }, function(txn)
              local n = (txn:get_priv() or 0) + 1
              txn:set_priv(n)
              txn.http:req_set_header("x-count", tostring(n))
            end)
            """);
        var lua = LoadedLuaState.Create(_engine, 1, [new LuaFile(path, "priv.lua")], "lua-load-per-thread");
        var first = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1");
        var second = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1");

        lua.Http.RunAction("count", first, []);
        lua.Http.RunAction("count", first, []);
        lua.Http.RunAction("count", second, []);

        Assert.Equal("2", first.RequestHeaders.GetLast("x-count"));
        Assert.Equal("1", second.RequestHeaders.GetLast("x-count"));
        Assert.Equal(2, lua.Http.PrivateValues);

        lua.Http.Release(first.Id);
        lua.Http.Release(second.Id);
        lua.Http.RunAction("count", first, []);

        Assert.Equal("1", first.RequestHeaders.GetLast("x-count"));
        Assert.Equal(1, lua.Http.PrivateValues);
    }

    public void Dispose()
    {
        _engine.Dispose();
        _directory.Delete(recursive: true);
    }
}
