using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>An accepted connection that gives its slots back (<see cref="AcceptGate"/>) once its
/// socket is closed, whatever closed it; otherwise the transport's own connection, but for one
/// thing: its <see cref="ConnectionClosed"/> does not fire at a client's FIN alone. Kestrel takes
/// a FIN for the connection's end and aborts the request under way (dotnet/aspnetcore#13188);
/// HAProxy answers a client that sent its request and half-closed, and so does ActorProxy: the
/// token fires when the peer is really gone (a reset), or when the connection ends. The
/// transport's own signal stays in the connection's <see cref="IConnectionLifetimeFeature"/>.</summary>
internal sealed class LimitedConnection : ConnectionContext
{
    // TCP_INFO's first byte, tcpi_state; CLOSE_WAIT is "the peer sent its FIN, this side is open".
    private const int IpProtoTcp = 6;
    private const int TcpInfo = 11;
    private const byte TcpCloseWait = 8;

    private readonly ConnectionContext _inner;
    private readonly Action _closing;
    private readonly Action _leave;
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationTokenRegistration _transportClosed;
    private int _left;

    public LimitedConnection(ConnectionContext inner, Action closing, Action leave)
    {
        _inner = inner;
        _closing = closing;
        _leave = leave;
        _transportClosed = inner.ConnectionClosed.UnsafeRegister(static state => ((LimitedConnection)state!).OnTransportClosed(), this);
    }

    public override string ConnectionId { get => _inner.ConnectionId; set => _inner.ConnectionId = value; }

    public override IFeatureCollection Features => _inner.Features;

    public override IDictionary<object, object?> Items { get => _inner.Items; set => _inner.Items = value; }

    public override IDuplexPipe Transport { get => _inner.Transport; set => _inner.Transport = value; }

    public override EndPoint? LocalEndPoint { get => _inner.LocalEndPoint; set => _inner.LocalEndPoint = value; }

    public override EndPoint? RemoteEndPoint { get => _inner.RemoteEndPoint; set => _inner.RemoteEndPoint = value; }

    public override CancellationToken ConnectionClosed { get => _closed.Token; set => throw new NotSupportedException("The connection's closed signal is its own."); }

    public override void Abort() => _inner.Abort();

    public override void Abort(ConnectionAbortedException abortReason) => _inner.Abort(abortReason);

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _left, 1) != 0)
        {
            return;
        }
        _closing();
        try
        {
            await _inner.DisposeAsync();
        }
        finally
        {
            await _transportClosed.DisposeAsync();
            await _closed.CancelAsync();
            _closed.Dispose();
            _leave();
            await base.DisposeAsync();
        }
    }

    // The transport saw the input end: a FIN leaves the socket in CLOSE_WAIT, a reset does not.
    private void OnTransportClosed()
    {
        if (!HalfClosedByPeer())
        {
            _closed.Cancel();
        }
    }

    private bool HalfClosedByPeer()
    {
        if (_inner.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            return false;
        }
        Span<byte> info = stackalloc byte[8];
        try
        {
            return socket.GetRawSocketOption(IpProtoTcp, TcpInfo, info) > 0 && info[0] == TcpCloseWait;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }
}
