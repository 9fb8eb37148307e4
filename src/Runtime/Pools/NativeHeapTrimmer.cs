namespace ActorProxy.Runtime.Pools;

/// <summary>
/// Runs <see cref="NativeHeap.Trim"/> at a fixed interval on the thread pool, so that a node
/// under steady load keeps a flat resident size: what glibc's arenas hold after a burst is given
/// back within one interval (docs/benchmarks.md, "Found: glibc's arenas"). HAProxy trims in pool_gc, on memory pressure; a .NET process has no such
/// moment, as its managed heap never fails for lack of native memory.
/// </summary>
public sealed class NativeHeapTrimmer : IDisposable
{
    /// <summary>The interval a node uses.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    private readonly ITimer _timer;
    private long _trims;

    /// <summary>Starts trimming with <paramref name="trim"/> every <paramref name="interval"/> of
    /// <paramref name="time"/>.</summary>
    public NativeHeapTrimmer(TimeProvider time, TimeSpan interval, Func<bool> trim)
    {
        _timer = time.CreateTimer(_ =>
        {
            trim();
            Interlocked.Increment(ref _trims);
        }, null, interval, interval);
    }

    /// <summary>How many trims have run.</summary>
    public long Trims => Interlocked.Read(ref _trims);

    /// <inheritdoc/>
    public void Dispose() => _timer.Dispose();
}
