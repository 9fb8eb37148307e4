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

    public LoadedLuaState Load(string source) => Load(source, 1);

    /// <summary>Loads <paramref name="source"/> into state <paramref name="id"/>: 0 is the shared state (lua-load).</summary>
    public LoadedLuaState Load(string source, int id)
    {
        string path = Path.Combine(_directory.FullName, "test.lua");
        File.WriteAllText(path, source);
        return LoadedLuaState.Create(Engine, Engine.CurrentGeneration, id, [new LuaFile(path, "test.lua")], id == 0 ? "lua-load" : "lua-load-per-thread");
    }

    public void Dispose()
    {
        Engine.Dispose();
        _directory.Delete(recursive: true);
    }
}
