namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>
/// How many connections may be open at once, for one frontend or for the whole node (HAProxy's
/// frontend and global <c>maxconn</c>): a listener takes a slot before it accepts, so at the limit
/// it stops accepting and new connections wait in the system's accept queue, as HAProxy's
/// listeners do; a slot is given back when its connection's socket is closed.
/// </summary>
internal sealed class AcceptGate(int limit) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(limit, limit);

    /// <summary>The limit.</summary>
    public int Limit { get; } = limit;

    /// <summary>Connections holding a slot now.</summary>
    public int Current => Limit - _slots.CurrentCount;

    /// <summary>Waits for a slot.</summary>
    public Task EnterAsync(CancellationToken cancel) => _slots.WaitAsync(cancel);

    /// <summary>Gives a slot back.</summary>
    public void Leave() => _slots.Release();

    /// <inheritdoc/>
    public void Dispose() => _slots.Dispose();
}
