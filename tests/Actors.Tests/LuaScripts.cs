using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;

namespace ActorProxy.Actors.Tests;

/// <summary>A temporary folder of Lua files and the configuration that loads them.</summary>
internal sealed class LuaScripts : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-actors");

    public LuaFile Write(string name, string source)
    {
        string path = Path.Combine(_directory.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, source);
        return new LuaFile(path, name);
    }

    public ProxyConfig Config(int threads, LuaFile[]? shared = null, LuaFile[]? perThread = null, LuaTune? tune = null, int groups = 1) =>
        new(Path.Combine(_directory.FullName, "test.conf"), new GlobalSettings
        {
            Threads = threads,
            ThreadGroups = groups,
            LuaLoad = shared ?? [],
            LuaLoadPerThread = perThread ?? [],
            Tune = tune ?? new LuaTune(),
        });

    public void Dispose() => _directory.Delete(recursive: true);
}
