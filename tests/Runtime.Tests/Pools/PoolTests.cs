using ActorProxy.Runtime.Pools;

namespace ActorProxy.Runtime.Tests.Pools;

public class PoolTests
{
    private readonly PoolRegistry _registry = new();

    [Fact]
    public void RentAndReturn_ReuseObjects_AndKeepCounters()
    {
        var pool = _registry.Create("buffer", 16384, () => new byte[16384]);

        var first = pool.Rent()!;
        pool.Return(first);
        var again = pool.Rent();

        Assert.Same(first, again);
        Assert.Equal((1, 1, 0, 1), (pool.Allocated, pool.Used, pool.Failed, pool.Users));
    }

    [Fact]
    public void Create_SameNameAndSize_SharesThePool()
    {
        var a = _registry.Create("ctx", 64, () => new object());
        var b = _registry.Create("ctx", 64, () => new object());

        Assert.Same(a, b);
        Assert.Equal(2, a.Users);
        Assert.Throws<InvalidOperationException>(() => _registry.Create("ctx", 128, () => new object()));
    }

    [Fact]
    public void Gc_FreesWhatExceedsEachMinimum()
    {
        var pool = _registry.Create("req", 100, () => new object(), minimum: 2);
        var rented = Enumerable.Range(0, 5).Select(_ => pool.Rent()!).ToList();
        rented.ForEach(pool.Return);

        _registry.Gc();

        Assert.Equal(2, pool.Allocated);
        Assert.Equal(2, pool.Free);
        Assert.Equal(0, pool.Used);
    }

    [Fact]
    public void FailedAllocation_RunsGcOnceAndRetries_ThenCountsAFailure()
    {
        // "big" can hold 2 objects; "idle" holds free objects the gc can give back, but that
        // does not raise big's limit: the second try fails too and counts one failure.
        var big = _registry.Create("big", 1000, () => new object(), limit: 2);
        var idle = _registry.Create("idle", 10, () => new object());
        idle.Return(idle.Rent()!);
        big.Rent();
        big.Rent();

        Assert.Null(big.Rent());

        Assert.Equal(1, big.Failed);
        Assert.Equal(0, idle.Allocated);
    }

    [Fact]
    public void FactoryOutOfMemory_IsAFailureNotACrash()
    {
        var pool = _registry.Create<object>("oom", 10, () => throw new InsufficientMemoryException());

        Assert.Null(pool.Rent());
        Assert.Equal(1, pool.Failed);
    }

    [Fact]
    public void Dump_FollowsTheSeedFormat()
    {
        var buffers = _registry.Create("buffer", 16384, () => new byte[1]);
        _registry.Create("buffer", 16384, () => new byte[1]);
        var contexts = _registry.Create("lua_ctx", 96, () => new object());
        buffers.Rent();
        contexts.Return(contexts.Rent()!);

        Assert.Equal(
            "Dumping pools usage. Use SIGQUIT to flush them.\n" +
            "  - Pool buffer (16384 bytes) : 1 allocated (16384 bytes), 1 used, 0 failures, 2 users [SHARED]\n" +
            "  - Pool lua_ctx (96 bytes) : 1 allocated (96 bytes), 0 used, 0 failures, 1 users\n" +
            "Total: 2 pools, 16480 bytes allocated, 16384 used.\n",
            _registry.Dump());
    }

    [Fact]
    public void Flush_FreesEveryFreeObject()
    {
        var pool = _registry.Create("f", 8, () => new DisposableThing(), minimum: 5);
        var thing = pool.Rent()!;
        pool.Return(thing);

        _registry.FlushAll();

        Assert.Equal(0, pool.Allocated);
        Assert.True(thing.Disposed);
    }

    [Fact]
    public async Task ConcurrentRentAndReturn_WithGcRunning_KeepsCountersExact()
    {
        var pool = _registry.Create("hot", 32, () => new object(), minimum: 1);
        using var stop = new CancellationTokenSource();
        var gc = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                _registry.Gc();
                await Task.Yield();
            }
        });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                var item = pool.Rent()!;
                pool.Return(item);
            }
        })));
        await stop.CancelAsync();
        await gc;

        Assert.Equal(0, pool.Used);
        Assert.Equal(pool.Free, pool.Allocated);
        Assert.Equal(0, pool.Failed);
    }

    [Fact]
    public void ReturnWithoutRent_Fails()
    {
        var pool = _registry.Create("x", 8, () => new object());

        Assert.Throws<InvalidOperationException>(() => pool.Return(new object()));
    }

    private sealed class DisposableThing : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
