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
    // check boots alone: no remoting, no cluster, so it binds no port (and a running node's ports
    // do not make it fail).
    private static readonly Config Alone = ConfigurationFactory.ParseString("akka.actor.provider = local");

    /// <summary>Reads <paramref name="path"/>, starts the actor system its <c>akka</c> section
    /// configures, and boots a node: a cluster node that starts its Lua tasks to run, or with
    /// <paramref name="check"/> a node alone, off the network, whose tasks do not start. Throws
    /// <see cref="ConfigException"/>, <see cref="Runtime.Lua.LuaBootException"/> or
    /// <see cref="NodeStartException"/> with every error; nothing is left running then.</summary>
    public static async Task<ProxyNode> StartAsync(string path, ILoggerFactory loggers, bool check, CancellationToken cancel)
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
        var akka = HoconText.Parse(text, path).WithFallback(ProxyNode.DefaultAkkaConfig);
        if (check)
        {
            akka = Alone.WithFallback(akka);
        }
        else
        {
            RemotingPort.EnsureFree(akka, path);
        }
        ActorSystem system;
        try
        {
            system = ActorSystem.Create("actorproxy", akka);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new NodeStartException($"the actor system did not start: {Innermost(e).Message}", e);
        }
        return await ProxyNode.StartAsync(system, config, loggers, startTasks: !check, cancel);
    }

    // Akka wraps a transport's failure in layers of AggregateException; the innermost says why.
    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    /// <summary>The console logger the commands use.</summary>
    public static ILoggerFactory CreateLoggers() => LoggerFactory.Create(logging => logging
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        })
        .SetMinimumLevel(LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning)
        // A listener that cannot bind is reported as one line (ProxyWebHost), not as the host's stack trace.
        .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None)
        .AddFilter("Yarp", LogLevel.Warning)
        // Each failed forward is one line of FrontendPipeline's, not YARP's warning and stack trace.
        .AddFilter("Yarp.ReverseProxy.Forwarder.HttpForwarder", LogLevel.None));
}
