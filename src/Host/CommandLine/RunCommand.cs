using System.Runtime.InteropServices;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.CommandLine;

/// <summary><c>actorproxy [run] [-f FILE]</c>: boots a node and runs it until SIGINT or SIGTERM;
/// SIGHUP reloads its Lua files.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(FileInfo? file, CancellationToken cancel)
    {
        string path = file?.FullName ?? DefaultConfig.Locate();
        using var loggers = NodeStarter.CreateLoggers();
        var logger = loggers.CreateLogger("ActorProxy");
        // A signal during the start is kept and acted on once the start is over: a node is
        // either fully started then stopped in order, or not started at all.
        var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        // SIGHUP reloads the Lua files once the node serves; during the start, the start loads them.
        Actors.Node.ProxyNode? serving = null;
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Reload);

        Actors.Node.ProxyNode node;
        try
        {
            node = await NodeStarter.StartAsync(path, loggers, check: false, cancel);
        }
        catch (Exception e) when (e is ConfigException or LuaBootException or Actors.Node.NodeStartException)
        {
            return BootReport.Fail(e);
        }

        await using (node)
        {
            Microsoft.AspNetCore.Builder.WebApplication listeners;
            try
            {
                listeners = await DataPlane.ProxyWebHost.StartAsync(node, loggers, cancel);
            }
            catch (ConfigException e)
            {
                return BootReport.Fail(e);
            }
            await using (listeners)
            {
                StatsSocket.StatsSocketListener? statsSocket = null;
                if (node.Config.Global.StatsSocket is { } socket)
                {
                    try
                    {
                        statsSocket = StatsSocket.StatsSocketListener.Start(socket, path, node.Admin, loggers.CreateLogger("ActorProxy.StatsSocket"));
                    }
                    catch (ConfigException e)
                    {
                        await listeners.StopAsync(CancellationToken.None);
                        return BootReport.Fail(e);
                    }
                }
                await using var stats = statsSocket;
                var global = node.Config.Global;
                logger.LogInformation(
                    "ActorProxy running {Config}: {Threads} worker thread(s) in {Groups} group(s), {Functions} registered Lua function(s), listening on {Binds}. Ctrl+C stops it.",
                    path, global.Threads, global.ThreadGroups, node.Engine.Registry.Functions.Count,
                    string.Join(", ", node.Config.Frontends.Select(Listening).DefaultIfEmpty("nothing")));
                Volatile.Write(ref serving, node);
                await Task.WhenAny(stopRequested.Task, node.System.WhenTerminated, Task.Delay(Timeout.Infinite, cancel));
                Volatile.Write(ref serving, null);
                var reason = Akka.Actor.CoordinatedShutdown.Get(node.System).ShutdownReason;
                if (node.System.WhenTerminated.IsCompleted && !stopRequested.Task.IsCompleted && reason is not Akka.Actor.CoordinatedShutdown.ClrExitReason)
                {
                    // The actor system stopped on its own, not for a signal (Akka's own hook runs
                    // on SIGINT and SIGTERM too): its coordinated shutdown says why (downed by
                    // the cluster, a TLS handshake that failed towards a peer…).
                    logger.LogCritical("ActorProxy stopping: its actor system stopped ({Reason})", reason?.ToString() ?? "no reason given");
                    await listeners.StopAsync(CancellationToken.None);
                    return 1;
                }
                logger.LogInformation("ActorProxy stopping");
                await listeners.StopAsync(CancellationToken.None);
            }
        }
        logger.LogInformation("ActorProxy stopped");
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopRequested.TrySetResult();
        }

        void Reload(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Volatile.Read(ref serving) is not { } node)
            {
                logger.LogWarning("SIGHUP: ignored, the node is not serving (starting or stopping)");
                return;
            }
            logger.LogInformation("SIGHUP: reloading the Lua files");
            _ = Task.Run(async () =>
            {
                var outcome = await node.ReloadLuaAsync(cancel);
                logger.Log(outcome.Reloaded ? LogLevel.Information : LogLevel.Error, "SIGHUP: {Outcome}", outcome.Describe().TrimEnd());
            }, cancel);
        }
    }

    // "web http://127.0.0.1:8080", "site https://… (2 certificates: a.test, *.b.test)".
    private static string Listening(Runtime.Config.FrontendSettings frontend) => frontend.Ssl is { } ssl
        ? $"{frontend.Name} https://{frontend.Bind} ({ssl.Certificates.All.Count} certificate(s): {string.Join(", ", ssl.Certificates.All.Select(c => c.Names.Count > 0 ? c.Names[0] : Path.GetFileName(c.File)))})"
        : $"{frontend.Name} http://{frontend.Bind}";
}
