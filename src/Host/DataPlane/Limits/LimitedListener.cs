using System.Net;
using Microsoft.AspNetCore.Connections;

namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>
/// A frontend's listener that accepts only while its frontend and the node have room: it takes a
/// slot of each before it asks the transport for the next connection. Unbinding ends a wait.
/// </summary>
internal sealed class LimitedListener(IConnectionListener inner, AcceptGate frontend, AcceptGate node) : IConnectionListener
{
    private readonly CancellationTokenSource _unbound = new();

    public EndPoint EndPoint => inner.EndPoint;

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
        ConnectionContext? connection;
        try
        {
            connection = await inner.AcceptAsync(cancellationToken);
        }
        catch
        {
            Leave();
            throw;
        }
        if (connection is null)
        {
            Leave();
            return null;
        }
        frontend.Accepted();
        node.Accepted();
        return new LimitedConnection(connection, Closing, Leave);
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        await _unbound.CancelAsync();
        await inner.UnbindAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _unbound.CancelAsync();
        await inner.DisposeAsync();
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
