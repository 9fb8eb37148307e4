namespace ActorProxy.Host.Tests;

/// <summary>A bounded wait for what a test can only poll for (a node's count, the kernel's
/// queues, a table another process fills): the condition, checked every 50 ms, within the time given.</summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds; throws, naming <paramref name="what"/>, past <paramref name="within"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {within.TotalSeconds:0} s: {what}");
            }
            await Task.Delay(50);
        }
    }
}
