namespace ActorProxy.Runtime.Stats;

/// <summary>
/// A time in milliseconds averaged over the last 1024 samples, and its maximum, as HAProxy's
/// <c>qtime</c>/<c>ctime</c>/<c>rtime</c>/<c>ttime</c> and their <c>*_max</c> (<c>swrate_add_dynamic</c>
/// and <c>swrate_avg</c>): the sum grows until there are 1024 samples, then each new sample
/// replaces an average one. Thread-safe.
/// </summary>
public sealed class SlidingTimeAverage
{
    /// <summary>HAProxy's <c>TIME_STATS_SAMPLES</c>.</summary>
    public const int Samples = 1024;

    private uint _sum;
    private int _max;

    /// <summary>Adds one sample. <paramref name="count"/> is how many samples the owner has
    /// counted before this one (HAProxy's cumulated requests or connections).</summary>
    public void Add(int milliseconds, long count)
    {
        uint window = count > Samples ? Samples : 0u;
        uint value = (uint)Math.Max(0, milliseconds);
        uint old = Volatile.Read(ref _sum);
        while (true)
        {
            uint updated = old - (window == 0 ? 0 : (old + window - 1) / window) + value;
            uint seen = Interlocked.CompareExchange(ref _sum, updated, old);
            if (seen == old)
            {
                break;
            }
            old = seen;
        }
        AtomicMax.Update(ref _max, milliseconds);
    }

    /// <summary>The average in milliseconds given the owner's count of samples so far.</summary>
    public uint Average(long count)
    {
        uint window = count is > 0 and < Samples ? (uint)count : Samples;
        return (uint)(((ulong)Volatile.Read(ref _sum) + window - 1) / window);
    }

    /// <summary>The largest sample, in milliseconds.</summary>
    public int Max => Volatile.Read(ref _max);
}
