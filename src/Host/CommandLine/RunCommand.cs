using System.Runtime.InteropServices;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.CommandLine;

/// <summary><c>actorproxy [run] [-f FILE]</c>: boots a node and runs it until SIGINT or SIGTERM.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(FileInfo? file, CancellationToken cancel)
    {
        string path = file?.FullName ?? DefaultConfig.Locate();
        using var loggers = NodeStarter.CreateLoggers();
        var logger = loggers.CreateLogger("ActorProxy");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        Actors.Node.ProxyNode node;
        try
        {
            node = await NodeStarter.StartAsync(path, loggers, startTasks: true, stop.Token);
        }
        catch (Exception e) when (e is ConfigException or LuaBootException)
        {
            return BootReport.Fail(e);
        }
        catch (OperationCanceledException)
        {
            return 130;
        }

        await using (node)
        {
            var global = node.Config.Global;
            logger.LogInformation(
                "ActorProxy running {Config}: {Threads} worker thread(s) in {Groups} group(s), {Functions} registered Lua function(s). Ctrl+C stops it.",
                path, global.Threads, global.ThreadGroups, node.Engine.Registry.Functions.Count);
            try
            {
                await Task.WhenAny(Task.Delay(Timeout.Infinite, stop.Token), node.System.WhenTerminated);
            }
            catch (OperationCanceledException)
            {
            }
            logger.LogInformation("ActorProxy stopping");
        }
        logger.LogInformation("ActorProxy stopped");
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
