using ActorProxy.Actors.Node;
using ActorProxy.Host.Configuration;
using ActorProxy.Runtime.Config;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.CommandLine;

/// <summary>Reads a configuration file and starts a node from it: what <c>run</c> and <c>check</c> share.</summary>
internal static class NodeStarter
{
    /// <summary>Reads <paramref name="path"/>, starts the actor system its <c>akka</c> section
    /// configures, and boots a node (starting its Lua tasks if <paramref name="startTasks"/>). Throws <see cref="ConfigException"/> or
    /// <see cref="Runtime.Lua.LuaBootException"/> with every error; nothing is left running then.</summary>
    public static async Task<ProxyNode> StartAsync(string path, ILoggerFactory loggers, bool startTasks, CancellationToken cancel)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancel);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigError(path, "", $"cannot read the configuration: {e.Message}")]);
        }
        var config = HoconConfigReader.Read(text, path, Path.GetDirectoryName(Path.GetFullPath(path))!);
        var akka = ConfigurationFactory.ParseString(text).WithFallback(ProxyNode.DefaultAkkaConfig);
        var system = ActorSystem.Create("actorproxy", akka);
        return await ProxyNode.StartAsync(system, config, loggers, startTasks, cancel);
    }

    /// <summary>The console logger the commands use.</summary>
    public static ILoggerFactory CreateLoggers() => LoggerFactory.Create(logging => logging
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        })
        .SetMinimumLevel(LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddFilter("Yarp", LogLevel.Warning));
}
