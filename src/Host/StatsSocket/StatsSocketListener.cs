using System.Net.Sockets;
using ActorProxy.Actors.Admin;
using ActorProxy.Runtime.Config;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.StatsSocket;

/// <summary>
/// HAProxy's <c>stats socket</c> on a Unix socket (made with the configured mode, 600 unless
/// set) or a TCP address: each connection is a <see cref="StatsSocketSession"/> whose commands go
/// to the node's admin actor with the socket's level.
/// </summary>
internal sealed class StatsSocketListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly StatsSocketSettings _settings;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private StatsSocketListener(Socket socket, StatsSocketSettings settings, IActorRef admin, AdminLevel level, ILogger logger)
    {
        _socket = socket;
        _settings = settings;
        _accepting = AcceptAsync(admin, level, logger);
    }

    /// <summary>Binds the socket and starts serving it; throws <see cref="ConfigException"/> when
    /// it cannot be bound (a path in use by a live socket, a busy port), naming it.</summary>
    public static StatsSocketListener Start(StatsSocketSettings settings, string configFile, IActorRef admin, ILogger logger)
    {
        var level = Enum.Parse<AdminLevel>(settings.Level, ignoreCase: true);
        Socket socket;
        try
        {
            socket = settings.Path is { } path ? BindUnix(path, settings.Mode) : BindTcp(settings);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigError(configFile, "actorproxy.global.stats-socket", $"cannot listen on {settings.Path ?? settings.EndPoint!.ToString()}: {e.Message}.")]);
        }
        logger.LogInformation("stats socket on {Where}, level {Level}", settings.Path ?? settings.EndPoint!.ToString(), settings.Level);
        return new StatsSocketListener(socket, settings, admin, level, logger);
    }

    private static Socket BindUnix(string path, UnixFileMode mode)
    {
        if (File.Exists(path))
        {
            // A socket file left by a process that is gone is replaced, as HAProxy does; one that
            // answers belongs to a running node.
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new IOException("another process serves it");
            }
            catch (SocketException)
            {
                File.Delete(path);
            }
        }
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            // Before listen(): until then no one connects, whatever the umask made of the file.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, mode);
            }
            socket.Listen(16);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Socket BindTcp(StatsSocketSettings settings)
    {
        var socket = new Socket(settings.EndPoint!.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(settings.EndPoint);
            socket.Listen(16);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptAsync(IActorRef admin, AdminLevel level, ILogger logger)
    {
        var sessions = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _socket.AcceptAsync(_stop.Token);
                sessions.Add(new StatsSocketSession(client, admin, level, logger, TimeProvider.System).RunAsync(_stop.Token));
                sessions.RemoveAll(s => s.IsCompleted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
        await Task.WhenAll(sessions);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _accepting;
        if (_settings.Path is { } path)
        {
            File.Delete(path);
        }
        _stop.Dispose();
    }
}
