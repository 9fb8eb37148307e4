using System.Net;
using System.Net.Sockets;
using ActorProxy.Runtime.Config;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>
/// One frontend's listening socket, which can be paused, resumed and stopped as HAProxy's
/// pause_proxy, resume_proxy and stop_proxy do: pausing closes the socket (the system refuses new
/// connections, as HAProxy's shut listener does), resuming binds the address again, stopping
/// closes it for good. The frontend's <see cref="LimitedListener"/> accepts on whatever socket
/// is open now and waits while there is none.
/// </summary>
// The sockets transport binds and unbinds synchronously (its ValueTasks complete at once), so a
// change is made when the call returns, as HAProxy's is, from a Lua action as from the admin actor.
internal sealed class ListenerSwitch(string frontend, IConnectionListener first, Func<EndPoint, IConnectionListener> bind, ILogger log) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly EndPoint _address = first.EndPoint;
    private IConnectionListener _listener = first;
    // Sockets closed by a pause: their transports serve the connections they accepted until the
    // web host ends, so they are disposed only then.
    private readonly List<IConnectionListener> _closed = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Where the listener stands.</summary>
    public ListenerState State { get; private set; } = ListenerState.Open;

    /// <summary>The address listened on.</summary>
    public EndPoint EndPoint => _address;

    /// <summary>The socket to accept on now, once the frontend is not paused; null once stopped.</summary>
    public async ValueTask<IConnectionListener?> ListenerAsync(CancellationToken cancel)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (State != ListenerState.Paused)
                {
                    return State == ListenerState.Open ? _listener : null;
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancel);
        }
    }

    /// <summary>True when <paramref name="listener"/> is the socket of an open frontend: an
    /// accept on it that ended did not end by a pause or a stop.</summary>
    public bool IsCurrent(IConnectionListener listener)
    {
        lock (_lock)
        {
            return State == ListenerState.Open && ReferenceEquals(listener, _listener);
        }
    }

    // cli_parse_disable_frontend's answers.
    public ListenerChange Pause()
    {
        lock (_lock)
        {
            switch (State)
            {
                case ListenerState.Stopped:
                    return new ListenerChange(false, "Frontend was previously shut down, cannot disable.\n");
                case ListenerState.Paused:
                    return new ListenerChange(false, "All sockets are already disabled.\n");
            }
            State = ListenerState.Paused;
            Close(_listener);
        }
        log.LogWarning("frontend {Frontend} paused: {Address} refuses new connections until it is resumed", frontend, _address);
        return new ListenerChange(false, "");
    }

    // cli_parse_enable_frontend's answers; a port taken meanwhile leaves it paused, as resume_proxy.
    public ListenerChange Resume()
    {
        lock (_lock)
        {
            switch (State)
            {
                case ListenerState.Stopped:
                    return new ListenerChange(true, "Frontend was previously shut down, cannot enable.\n");
                case ListenerState.Open:
                    return new ListenerChange(false, "All sockets are already enabled.\n");
            }
            try
            {
                _listener = bind(_address);
            }
            catch (Exception e) when (e is AddressInUseException or SocketException or IOException)
            {
                log.LogWarning("Port {Port} busy while trying to enable frontend {Frontend}: {Reason}", (_address as IPEndPoint)?.Port, frontend, e.Message);
                return new ListenerChange(true, "Failed to resume frontend, check logs for precise cause (port conflict?).\n");
            }
            State = ListenerState.Open;
            Signal();
        }
        log.LogWarning("frontend {Frontend} resumed: {Address} accepts connections again", frontend, _address);
        return new ListenerChange(false, "");
    }

    // cli_parse_shutdown_frontend's answers.
    public ListenerChange Stop()
    {
        lock (_lock)
        {
            if (State == ListenerState.Stopped)
            {
                return new ListenerChange(false, "Frontend was already shut down.\n");
            }
            if (State == ListenerState.Open)
            {
                Close(_listener);
            }
            State = ListenerState.Stopped;
            Signal();
        }
        log.LogWarning("frontend {Frontend} stopped: {Address} accepts no more connections; those open go on", frontend, _address);
        return new ListenerChange(false, "");
    }

    /// <summary>Closes the socket open now, as the web host unbinds the frontend.</summary>
    public ValueTask UnbindAsync(CancellationToken cancel)
    {
        lock (_lock)
        {
            return State == ListenerState.Open ? _listener.UnbindAsync(cancel) : ValueTask.CompletedTask;
        }
    }

    public async ValueTask DisposeAsync()
    {
        IConnectionListener[] all;
        lock (_lock)
        {
            all = [.. _closed, _listener];
        }
        foreach (var listener in all.Distinct())
        {
            await listener.DisposeAsync();
        }
    }

    // The accept waiting on the socket ends with no connection, and the accept loop asks again.
    private void Close(IConnectionListener listener)
    {
        var unbound = listener.UnbindAsync();
        if (!unbound.IsCompletedSuccessfully)
        {
            unbound.AsTask().GetAwaiter().GetResult();
        }
        _closed.Add(listener);
    }

    private void Signal()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
