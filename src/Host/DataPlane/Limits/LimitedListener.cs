using System.Net;
using Microsoft.AspNetCore.Connections;

namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>
/// A frontend's listener that accepts only while its frontend and the node have room: it takes a
/// slot of each before it asks the transport for the next connection. It accepts on the socket
/// its <see cref="ListenerSwitch"/> has open, waits while the frontend is paused and ends once it
/// is stopped. Unbinding ends a wait.
/// </summary>
internal sealed class LimitedListener(ListenerSwitch listeners, AcceptGate frontend, AcceptGate node) : IConnectionListener
{
    private readonly CancellationTokenSource _unbound = new();

    public EndPoint EndPoint => listeners.EndPoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbound.Token);
        try
        {
            await frontend.EnterAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        try
        {
            await node.EnterAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            frontend.Leave();
            return null;
        }
        while (true)
        {
            IConnectionListener? inner;
            try
            {
                inner = await listeners.ListenerAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                inner = null;
            }
            ConnectionContext? connection = null;
            try
            {
                connection = inner is null ? null : await inner.AcceptAsync(cancellationToken);
            }
            catch
            {
                Leave();
                throw;
            }
            if (connection is not null)
            {
                frontend.Accepted();
                node.Accepted();
                return new LimitedConnection(connection, Closing, Leave);
            }
            // A socket closed by a pause: accept again once the frontend is resumed.
            if (inner is null || _unbound.IsCancellationRequested || listeners.IsCurrent(inner))
            {
                Leave();
                return null;
            }
        }
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        await _unbound.CancelAsync();
        await listeners.UnbindAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _unbound.CancelAsync();
        await listeners.DisposeAsync();
        _unbound.Dispose();
    }

    private void Leave()
    {
        node.Leave();
        frontend.Leave();
    }

    private void Closing()
    {
        node.Closing();
        frontend.Closing();
    }
}
