using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Runtime.Tests.Lua.Api;

public sealed class LuaMemoryFaultTests : IDisposable
{
    private readonly CapturingLogger _log = new();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-maxmem");

    [Fact]
    public void ActionPastMaxMem_IsAnErrorLikeAnyOther_AndTheStateGoesOn()
    {
        using var engine = new LuaEngine(new LuaTune { MaxMem = 4 << 20 }, loggers: _log);
        string path = Path.Combine(_directory.FullName, "greedy.lua");
        File.WriteAllText(path, """
            core.register_action("greedy", { "http-req" }, function(txn)
              local t = {}
              for i = 1, 1e7 do t[i] = string.rep("x", 64) .. i end
            end)
            core.register_action("modest", { "http-req" }, function(txn)
              txn.http:req_set_header("x-ok", string.rep("y", 10))
            end)
            """);
        var lua = LoadedLuaState.Create(engine, 1, [new LuaFile(path, "greedy.lua")], "lua-load-per-thread");
        engine.CompleteBoot();
        var exchange = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1");

        lua.Http.RunAction("greedy", exchange, []);
        lua.State.CollectGarbage();
        lua.Http.RunAction("modest", exchange, []);

        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Lua action 'lua.greedy' (state 1): out of memory error"));
        Assert.Equal("yyyyyyyyyy", exchange.RequestHeaders.GetLast("x-ok"));
        Assert.True(engine.Allocator.AllocatedBytes <= 4 << 20);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
