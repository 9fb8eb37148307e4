namespace ActorProxy.Runtime.Lua;

/// <summary>
/// One loading of a node's Lua: the states made from the Lua files at boot (generation 1) or by
/// a reload (2, 3…), and the registry of the functions they registered. Transactions, TCP
/// services and CLI commands that run Lua hold a lease on the generation they started on and
/// finish on it; once a reload has switched new work to the next generation, the old one is
/// retired and its states are closed when its last lease is given back (<see cref="Drained"/>).
/// </summary>
/// <remarks>Leases are taken and given back from any thread.</remarks>
public sealed class LuaGeneration
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _leases;
    private volatile bool _retired;

    /// <summary>Generation <paramref name="number"/> with an empty registry; its calls into the
    /// shared state go to the shared state's generation <paramref name="sharedNumber"/>.</summary>
    public LuaGeneration(int number, int sharedNumber, LuaFunctionRegistry registry)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(number);
        Number = number;
        SharedNumber = sharedNumber;
        Registry = registry;
    }

    /// <summary>1 for the states loaded at boot, one more for each reload.</summary>
    public int Number { get; }

    /// <summary>The generation of the shared state its workers call: its own when the reload
    /// loaded the shared state too, the previous one's when the shared state was kept.</summary>
    public int SharedNumber { get; }

    /// <summary>Who registered what in this generation's states.</summary>
    public LuaFunctionRegistry Registry { get; }

    /// <summary>Leases held now: work that started on this generation and is not over.</summary>
    public int Leases => Volatile.Read(ref _leases);

    /// <summary>True once a newer generation serves new work.</summary>
    public bool IsRetired => _retired;

    /// <summary>Completes once the generation is retired and holds no lease.</summary>
    public Task Drained => _drained.Task;

    /// <summary>Work starts on this generation; give the lease back with <see cref="Leave"/>.</summary>
    public void Enter() => Interlocked.Increment(ref _leases);

    /// <summary>Work that held a lease is over.</summary>
    /// <exception cref="InvalidOperationException">More leases were given back than taken.</exception>
    public void Leave()
    {
        int left = Interlocked.Decrement(ref _leases);
        if (left < 0)
        {
            throw new InvalidOperationException($"Lua generation {Number}: a lease was given back twice.");
        }
        if (left == 0 && _retired)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>A newer generation serves new work: this one drains.</summary>
    public void Retire()
    {
        _retired = true;
        if (Leases == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Lua generation {Number}";
}
