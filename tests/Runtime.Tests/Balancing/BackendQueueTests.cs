using ActorProxy.Runtime.Balancing;

namespace ActorProxy.Runtime.Tests.Balancing;

public sealed class BackendQueueTests
{
    [Fact]
    public void AServer_TakesUpToItsMaxconn()
    {
        var queue = new BackendQueue([("s1", 2), ("s2", 0)]);

        Assert.True(queue.TryTake("s1"));
        Assert.True(queue.TryTake("s1"));
        Assert.False(queue.TryTake("s1"));
        Assert.True(queue.TryTake("s2"));
        Assert.Equal(2, queue.Served("s1"));
    }

    [Fact]
    public async Task AFreedSlot_GoesToTheOldestWaiting_WithHaproxysQueuePositions()
    {
        var queue = new BackendQueue([("s1", 1)]);
        Assert.True(queue.TryTake("s1"));
        var first = queue.WaitAsync(CancellationToken.None);
        var second = queue.WaitAsync(CancellationToken.None);
        Assert.Equal(2, queue.Length);
        // Nobody takes a slot before those waiting.
        queue.Release("s1", true, static usable => usable);
        Assert.False(queue.TryTake("s1"));

        Assert.Equal(("s1", 1L), await first);
        Assert.False(second.IsCompleted);
        queue.Release("s1", true, static usable => usable);
        Assert.Equal(("s1", 2L), await second);
        Assert.Equal(0, queue.Length);
        Assert.Equal(2, queue.MaxLength);
        Assert.Equal(1, queue.Served("s1"));
    }

    [Fact]
    public async Task AWaitThatEnds_LeavesTheQueue_AndTheSlotGoesToTheNext()
    {
        var queue = new BackendQueue([("s1", 1)]);
        Assert.True(queue.TryTake("s1"));
        using var timeout = new CancellationTokenSource();
        var late = queue.WaitAsync(timeout.Token);
        var next = queue.WaitAsync(CancellationToken.None);

        await timeout.CancelAsync();

        Assert.Equal((null, 1L), await late);
        Assert.Equal(1, queue.Length);
        queue.Release("s1", true, static usable => usable);
        Assert.Equal(("s1", 1L), await next);
    }

    [Fact]
    public async Task AServerNotUsable_GivesNoSlot_UntilItIs()
    {
        var queue = new BackendQueue([("s1", 1)]);
        Assert.True(queue.TryTake("s1"));
        var waiting = queue.WaitAsync(CancellationToken.None);

        queue.Release("s1", false, static usable => usable);
        Assert.False(waiting.IsCompleted);
        queue.Usable("s1");

        Assert.Equal("s1", (await waiting).Server);
    }

    [Fact]
    public async Task AHigherMaxconn_ServesThoseWaiting()
    {
        var queue = new BackendQueue([("s1", 1)]);
        Assert.True(queue.TryTake("s1"));
        var waiting = queue.WaitAsync(CancellationToken.None);

        queue.SetMaxConn("s1", 2, usable: true);

        Assert.Equal("s1", (await waiting).Server);
        Assert.Equal(2, queue.Served("s1"));
    }
}
