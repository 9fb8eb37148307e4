namespace ActorProxy.Runtime.Stats;

/// <summary>Raises a shared maximum without a lock, as HAProxy's <c>HA_ATOMIC_UPDATE_MAX</c>.</summary>
internal static class AtomicMax
{
    /// <summary>Sets <paramref name="location"/> to <paramref name="value"/> if that is larger.</summary>
    public static void Update(ref int location, int value)
    {
        int max = Volatile.Read(ref location);
        while (value > max)
        {
            int seen = Interlocked.CompareExchange(ref location, value, max);
            if (seen == max)
            {
                return;
            }
            max = seen;
        }
    }
}
