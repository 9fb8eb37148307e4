using System.Net.Sockets;
using ActorProxy.Actors.Fd;
using ActorProxy.Actors.Node;
using Akka.Actor;

namespace ActorProxy.Host.DataPlane;

/// <summary>Registers connections to servers in the fd table, as <see cref="ConnectionTracker"/>
/// does for accepted ones.</summary>
internal sealed class BackendConnections(ProxyNode node)
{
    /// <summary>Opens a connection to <paramref name="host"/>:<paramref name="port"/> for
    /// <paramref name="backend"/>, registered with thread group <paramref name="tgid"/> and
    /// <paramref name="threadMask"/>; disposing the stream closes it and cleans its entry.</summary>
    public async Task<NetworkStream> ConnectAsync(string backend, string host, int port, int tgid, ulong threadMask, CancellationToken cancel)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancel);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        int fd = (int)socket.Handle;
        var owner = new FdOwner("backend", backend, Peer(socket) ?? $"{host}:{port}");
        var registration = new RegisterConnection(fd, owner, tgid, threadMask, socket.Dispose);
        node.FdSupervisor.Tell(registration);
        return new TrackedNetworkStream(socket, () => node.FdSupervisor.Tell(new ConnectionClosed(fd, registration.Connection)));
    }

    // A dual-mode socket reports IPv4 peers as ::ffff:a.b.c.d; show them as IPv4.
    private static string? Peer(Socket socket) => socket.RemoteEndPoint is System.Net.IPEndPoint peer
        ? new System.Net.IPEndPoint(peer.Address.IsIPv4MappedToIPv6 ? peer.Address.MapToIPv4() : peer.Address, peer.Port).ToString()
        : null;

    /// <summary>A pooled HTTP connection is shared by the workers of thread group 1.</summary>
    public Task<NetworkStream> ConnectSharedAsync(string backend, string host, int port, CancellationToken cancel) =>
        ConnectAsync(backend, host, port, 1, node.Layout.MaskOf(1), cancel);
}
