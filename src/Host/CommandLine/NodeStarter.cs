using ActorProxy.Actors.Admin;
using ActorProxy.Actors.Node;
using ActorProxy.Host.Logging;
using ActorProxy.Host.Remoting;
using ActorProxy.Host.Configuration;
using ActorProxy.Runtime.Config;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.CommandLine;

/// <summary>Reads a configuration file and starts a node from it: what <c>run</c> and <c>check</c> share.</summary>
internal static class NodeStarter
{
    // check boots alone: no remoting, no cluster, so it binds no port (and a running node's ports
    // do not make it fail).
    private static readonly Config Alone = ConfigurationFactory.ParseString("akka.actor.provider = local");

    private const string CredentialsKey = "actorproxy.remote.credentials";

    // Akka's log events go through the node's loggers, one line each (AkkaLogBridge).
    private static readonly Config AkkaLogging = ConfigurationFactory.ParseString($"akka.loggers = [\"{AkkaLogBridge.TypeName}\"]");

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
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var config = HoconConfigReader.Read(text, path, directory);
        var akka = HoconText.Parse(text, path).WithFallback(ProxyNode.DefaultAkkaConfig);
        SeedNodes.Check(akka, path);
        if (check)
        {
            // check reads the credentials a start would use, and makes none.
            string folder = CredentialsFolder(akka, directory, out bool configured);
            if (configured || Directory.Exists(folder))
            {
                LoadCredentials(folder, path).Dispose();
            }
            var alone = CreateSystem(BootstrapSetup.Create().WithConfig(Alone.WithFallback(AkkaLogging).WithFallback(akka))
                .And(new AkkaLoggingSetup(loggers)));
            return await ProxyNode.StartAsync(alone, config, loggers, startTasks: false, cancel: cancel);
        }
        RemotingPort.EnsureFree(akka, path);
        var credentials = Credentials(akka, directory, path);
        ActorSystem system;
        try
        {
            system = CreateSystem(BootstrapSetup.Create()
                .WithConfig(RemotingTls.Config.WithFallback(AkkaLogging).WithFallback(akka))
                .And(RemotingTls.Setup(credentials))
                .And(new AkkaLoggingSetup(loggers)));
        }
        catch
        {
            credentials.Dispose();
            throw;
        }
        _ = system.WhenTerminated.ContinueWith(_ => credentials.Dispose(), TaskScheduler.Default);
        return await ProxyNode.StartAsync(system, config, loggers, startTasks: true, new AdminKeys(credentials.Keys), cancel);
    }

    private static ActorSystem CreateSystem(ActorSystemSetup setup)
    {
        try
        {
            return ActorSystem.Create("actorproxy", setup);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new NodeStartException($"the actor system did not start: {Innermost(e).Message}", e);
        }
    }

    // The folder actorproxy.remote.credentials names (relative to the configuration file), else
    // the running user's own.
    private static string CredentialsFolder(Config akka, string directory, out bool configured)
    {
        string named = akka.GetString(CredentialsKey, "");
        configured = named.Length > 0;
        return configured ? Path.GetFullPath(named, directory) : RemotingCredentials.DefaultFolder();
    }

    private static RemotingCredentials Credentials(Config akka, string directory, string path)
    {
        string folder = CredentialsFolder(akka, directory, out bool configured);
        if (!configured)
        {
            try
            {
                LocalCredentials.EnsureExist(folder);
            }
            catch (CredentialsException e)
            {
                throw new ConfigException([new ConfigError(path, CredentialsKey, e.Message)]);
            }
        }
        return LoadCredentials(folder, path);
    }

    private static RemotingCredentials LoadCredentials(string folder, string path)
    {
        try
        {
            return RemotingCredentials.Load(folder);
        }
        catch (CredentialsException e)
        {
            throw new ConfigException([new ConfigError(path, CredentialsKey, e.Message)]);
        }
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
