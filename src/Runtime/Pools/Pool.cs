namespace ActorProxy.Runtime.Pools;

/// <summary>
/// A named pool of same-size objects (HAProxy's <c>struct pool_head</c>) with its own lock, as
/// seed 003 makes every pool thread-safe. Counters: objects allocated (alive, in use or free),
/// used, failed allocations, users (owners sharing the pool). <see cref="PoolRegistry"/> holds the
/// pools and runs the garbage collector across them.
/// </summary>
public abstract class Pool
{
    private readonly Lock _lock = new();

    private protected Pool(PoolRegistry registry, string name, int size, int minimum, int limit)
    {
        Registry = registry;
        Name = name;
        Size = size;
        Minimum = minimum;
        Limit = limit;
    }

    /// <summary>The registry the pool belongs to.</summary>
    public PoolRegistry Registry { get; }

    /// <summary>The pool's name, as <c>show pools</c> prints it.</summary>
    public string Name { get; }

    /// <summary>The size of one object in bytes.</summary>
    public int Size { get; }

    /// <summary>Objects gc keeps free (<c>minavail</c>).</summary>
    public int Minimum { get; }

    /// <summary>Most objects alive at once; 0 for no limit.</summary>
    public int Limit { get; }

    /// <summary>Objects alive: in use or free in the pool.</summary>
    public int Allocated { get; private protected set; }

    /// <summary>Objects handed out and not returned yet.</summary>
    public int Used { get; private protected set; }

    /// <summary>Allocations that failed, even after a gc.</summary>
    public int Failed { get; private protected set; }

    /// <summary>How many owners share the pool.</summary>
    public int Users { get; internal set; }

    /// <summary>Objects free in the pool right now.</summary>
    public int Free { get; private protected set; }

    /// <summary>The pool's lock; held around every change.</summary>
    internal Lock Lock => _lock;

    /// <summary>Frees every free object (<c>pool_flush</c>).</summary>
    public void Flush()
    {
        lock (_lock)
        {
            ReleaseFree(0);
        }
    }

    /// <summary>Frees free objects beyond <paramref name="keep"/>; the caller holds the lock.</summary>
    internal abstract void ReleaseFree(int keep);

    /// <summary>One <c>show pools</c> line, read under the lock.</summary>
    internal string Describe()
    {
        lock (_lock)
        {
            return $"  - Pool {Name} ({Size} bytes) : {Allocated} allocated ({(long)Size * Allocated} bytes), {Used} used, {Failed} failures, {Users} users{(Users > 1 ? " [SHARED]" : "")}";
        }
    }
}
