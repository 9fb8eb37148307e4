namespace ActorProxy.Runtime.Pools;

/// <summary>A <see cref="Pool"/> of <typeparamref name="T"/> objects made by a factory.</summary>
/// <typeparam name="T">The pooled objects; disposed when the pool frees them, if disposable.</typeparam>
public sealed class Pool<T> : Pool where T : class
{
    private readonly Func<T> _factory;
    private readonly Stack<T> _free = new();

    internal Pool(PoolRegistry registry, string name, int size, int minimum, int limit, Func<T> factory)
        : base(registry, name, size, minimum, limit)
    {
        _factory = factory;
    }

    /// <summary>Takes an object (<c>pool_alloc</c>): a free one, else a new one
    /// (<c>pool_refill_alloc</c>). When making one fails — the limit is reached or the factory
    /// runs out of memory — the gc runs once and it tries again; then it counts a failure and
    /// returns null.</summary>
    public T? Rent()
    {
        lock (Lock)
        {
            if (_free.TryPop(out var free))
            {
                Free--;
                Used++;
                return free;
            }
            bool collected = false;
            while (true)
            {
                if (TryMake(out var made))
                {
                    Allocated++;
                    Used++;
                    return made;
                }
                if (collected)
                {
                    Failed++;
                    return null;
                }
                collected = true;
                Registry.Gc(this);
            }
        }
    }

    /// <summary>Gives an object back (<c>pool_free</c>).</summary>
    public void Return(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (Lock)
        {
            if (Used == 0)
            {
                throw new InvalidOperationException($"Pool {Name}: more objects returned than rented.");
            }
            Used--;
            Free++;
            _free.Push(item);
        }
    }

    internal override void ReleaseFree(int keep)
    {
        while (Free > keep && _free.TryPop(out var item))
        {
            Free--;
            Allocated--;
            (item as IDisposable)?.Dispose();
        }
    }

    private bool TryMake(out T made)
    {
        made = null!;
        if (Limit != 0 && Allocated >= Limit)
        {
            return false;
        }
        try
        {
            made = _factory();
            return true;
        }
        catch (OutOfMemoryException)
        {
            return false;
        }
    }
}
