using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>An accepted connection that gives its slots back (<see cref="AcceptGate"/>) once its
/// socket is closed, whatever closed it; otherwise the transport's own connection.</summary>
internal sealed class LimitedConnection(ConnectionContext inner, Action leave) : ConnectionContext
{
    private int _left;

    public override string ConnectionId { get => inner.ConnectionId; set => inner.ConnectionId = value; }

    public override IFeatureCollection Features => inner.Features;

    public override IDictionary<object, object?> Items { get => inner.Items; set => inner.Items = value; }

    public override IDuplexPipe Transport { get => inner.Transport; set => inner.Transport = value; }

    public override EndPoint? LocalEndPoint { get => inner.LocalEndPoint; set => inner.LocalEndPoint = value; }

    public override EndPoint? RemoteEndPoint { get => inner.RemoteEndPoint; set => inner.RemoteEndPoint = value; }

    public override CancellationToken ConnectionClosed { get => inner.ConnectionClosed; set => inner.ConnectionClosed = value; }

    public override void Abort() => inner.Abort();

    public override void Abort(ConnectionAbortedException abortReason) => inner.Abort(abortReason);

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await inner.DisposeAsync();
        }
        finally
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                leave();
            }
            await base.DisposeAsync();
        }
    }
}
