using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;

namespace ActorProxy.Host.CommandLine;

/// <summary><c>actorproxy check -f FILE</c>: the whole boot of <c>run</c> (configuration, Lua
/// states, files, init functions, consistency check) without serving, like <c>haproxy -c</c>.</summary>
internal static class CheckCommand
{
    public static async Task<int> ExecuteAsync(FileInfo file, CancellationToken cancel)
    {
        using var loggers = NodeStarter.CreateLoggers();
        try
        {
            var node = await NodeStarter.StartAsync(file.FullName, loggers, check: true, cancel);
            await node.StopAsync();
        }
        catch (Exception e) when (e is ConfigException or LuaBootException or Actors.Node.NodeStartException)
        {
            return BootReport.Fail(e);
        }
        Console.WriteLine("Configuration file is valid");
        return 0;
    }
}
