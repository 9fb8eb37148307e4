using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Runtime.Tests.Lua;

/// <summary>An engine whose state 1 loads a Lua file written for the test (test.lua), with the
/// HAProxy API installed, as lua-load-per-thread would.</summary>
internal sealed class LuaScriptEngine : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-lua");

    public LuaScriptEngine(LuaTune? tune = null, ILoggerFactory? loggers = null, Runtime.Stats.ProxyDirectory? proxies = null)
    {
        Engine = new LuaEngine(tune ?? new LuaTune(), loggers: loggers) { Proxies = proxies };
    }

    public LuaEngine Engine { get; }

    public LoadedLuaState Load(string source)
    {
        string path = Path.Combine(_directory.FullName, "test.lua");
        File.WriteAllText(path, source);
        return LoadedLuaState.Create(Engine, Engine.CurrentGeneration, 1, [new LuaFile(path, "test.lua")], "lua-load-per-thread");
    }

    public void Dispose()
    {
        Engine.Dispose();
        _directory.Delete(recursive: true);
    }
}
