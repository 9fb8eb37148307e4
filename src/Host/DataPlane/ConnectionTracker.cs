using System.Net.Sockets;
using ActorProxy.Actors.Fd;
using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Config;
using Akka.Actor;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// Kestrel connection middleware on every listener: gives each accepted connection a worker
/// (round robin), and registers its socket in the fd table with that worker's thread group and
/// bit for as long as the connection lives.
/// </summary>
internal sealed class ConnectionTracker(ProxyNode node)
{
    private static readonly object WorkerKey = new();
    private int _next = -1;

    /// <summary>The worker (1-based thread number) a connection was given.</summary>
    public static int WorkerOf(IDictionary<object, object?> connectionItems) =>
        connectionItems.TryGetValue(WorkerKey, out var thread) && thread is int number
            ? number
            : throw new InvalidOperationException("The connection has no worker: it did not pass through ConnectionTracker.");

    /// <summary>Runs the connection through <paramref name="next"/>, registered meanwhile.</summary>
    public async Task TrackAsync(FrontendSettings frontend, ConnectionContext connection, ConnectionDelegate next)
    {
        int thread = (int)((uint)Interlocked.Increment(ref _next) % (uint)node.Workers.Count) + 1;
        connection.Items[WorkerKey] = thread;
        var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is null)
        {
            await next(connection);
            return;
        }
        int fd = (int)socket.Handle;
        var owner = new FdOwner("frontend", frontend.Name, connection.RemoteEndPoint?.ToString() ?? "");
        var registration = new RegisterConnection(fd, owner, node.Layout.GroupOf(thread), node.Layout.LocalBitOf(thread), connection.Abort);
        node.FdSupervisor.Tell(registration);
        try
        {
            await next(connection);
        }
        finally
        {
            node.FdSupervisor.Tell(new ConnectionClosed(fd, registration.Connection));
        }
    }
}
