using System.Text;

namespace ActorProxy.Runtime.Pools;

/// <summary>
/// Every pool of the process (HAProxy's <c>pools</c> list): creation and sharing by name and
/// size, the garbage collector (<c>pool_gc</c>) and the <c>show pools</c> dump.
/// </summary>
public sealed class PoolRegistry
{
    private readonly Lock _lock = new();
    private readonly List<Pool> _pools = [];
    private int _collecting;

    /// <summary>The pools, in creation order.</summary>
    public IReadOnlyList<Pool> Pools
    {
        get
        {
            lock (_lock)
            {
                return [.. _pools];
            }
        }
    }

    /// <summary>Creates pool <paramref name="name"/>, or joins the existing pool of that name
    /// and size as one more user (<c>create_pool</c>).</summary>
    /// <exception cref="InvalidOperationException">A pool of that name holds another type or size.</exception>
    public Pool<T> Create<T>(string name, int size, Func<T> factory, int minimum = 0, int limit = 0) where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        lock (_lock)
        {
            var existing = _pools.FirstOrDefault(p => p.Name == name);
            if (existing is not null)
            {
                if (existing is not Pool<T> same || same.Size != size)
                {
                    throw new InvalidOperationException($"Pool {name} exists with another object type or size.");
                }
                lock (same.Lock)
                {
                    same.Users++;
                }
                return same;
            }
            var pool = new Pool<T>(this, name, size, minimum, limit, factory) { Users = 1 };
            _pools.Add(pool);
            return pool;
        }
    }

    /// <summary>Frees what exceeds each pool's minimum (<c>pool_gc</c>). <paramref name="locked"/>
    /// is a pool whose lock the caller already holds (an allocation that failed), so it is not
    /// locked again. Never re-enters: a gc that finds another running returns at once.</summary>
    public void Gc(Pool? locked = null)
    {
        if (Interlocked.CompareExchange(ref _collecting, 1, 0) != 0)
        {
            return;
        }
        try
        {
            foreach (var pool in Pools)
            {
                if (pool == locked)
                {
                    pool.ReleaseFree(pool.Minimum);
                    continue;
                }
                lock (pool.Lock)
                {
                    pool.ReleaseFree(pool.Minimum);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _collecting, 0);
        }
        // HAProxy's pool_gc ends with trim_all_pools: what the pools freed goes back to the system.
        NativeHeap.Trim();
    }

    /// <summary>One user of <paramref name="pool"/> is done with it; with no user left the pool
    /// frees its objects and leaves the registry (a closed Lua state's contexts go with it).</summary>
    public void Release(Pool pool)
    {
        lock (_lock)
        {
            lock (pool.Lock)
            {
                if (--pool.Users > 0)
                {
                    return;
                }
            }
            pool.Flush();
            _pools.Remove(pool);
        }
    }

    /// <summary>Frees every free object of every pool (<c>flush pools</c>), then the C heap's free memory.</summary>
    public void FlushAll()
    {
        foreach (var pool in Pools)
        {
            pool.Flush();
        }
        NativeHeap.Trim();
    }

    /// <summary>The <c>show pools</c> text, in seed 003's format: one line per pool, then the total.</summary>
    public string Dump()
    {
        var text = new StringBuilder("Dumping pools usage. Use SIGQUIT to flush them.\n");
        long allocated = 0, used = 0;
        var pools = Pools;
        foreach (var pool in pools)
        {
            text.Append(pool.Describe()).Append('\n');
            lock (pool.Lock)
            {
                allocated += (long)pool.Allocated * pool.Size;
                used += (long)pool.Used * pool.Size;
            }
        }
        text.Append($"Total: {pools.Count} pools, {allocated} bytes allocated, {used} used.\n");
        return text.ToString();
    }
}
