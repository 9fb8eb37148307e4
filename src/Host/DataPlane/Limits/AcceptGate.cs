namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>
/// How many connections may be open at once, for one frontend or for the whole node (HAProxy's
/// frontend and global <c>maxconn</c>): a listener takes a slot before it accepts, so at the limit
/// it stops accepting and new connections wait in the system's accept queue, as HAProxy's
/// listeners do; a slot is given back once its connection's socket is closed.
/// </summary>
internal sealed class AcceptGate(int limit) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(limit, limit);
    private int _connections;

    /// <summary>The limit.</summary>
    public int Limit { get; } = limit;

    /// <summary>Connections accepted and not closed yet (HAProxy's <c>feconn</c>, or <c>actconn</c>
    /// for the node's): a listener waiting to accept holds a slot too, but no connection.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Waits for a slot.</summary>
    public Task EnterAsync(CancellationToken cancel) => _slots.WaitAsync(cancel);

    /// <summary>The slot taken is a connection's now.</summary>
    public void Accepted() => Interlocked.Increment(ref _connections);

    /// <summary>Gives a slot back.</summary>
    public void Leave() => _slots.Release();

    /// <summary>The connection is about to be closed: it is counted no more, so a client that sees
    /// the close and connects again is logged with the count HAProxy would give (its count drops
    /// on its own thread before the next accept); its slot stays taken until <see cref="Leave"/>.</summary>
    public void Closing() => Interlocked.Decrement(ref _connections);

    /// <inheritdoc/>
    public void Dispose() => _slots.Dispose();
}
