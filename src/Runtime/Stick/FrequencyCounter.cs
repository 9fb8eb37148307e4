namespace ActorProxy.Runtime.Stick;

/// <summary>
/// An event rate over a period, as HAProxy's <c>struct freq_ctr</c> (freq_ctr.h, freq_ctr.c):
/// the events of the current period and of the one before, and when the current one began. The
/// rate read at a moment is the current period's events plus the previous period's in proportion
/// of what is left of the current one. Not thread-safe: its <see cref="StickEntry"/> locks it.
/// </summary>
public struct FrequencyCounter
{
    /// <summary>When the current period began, in milliseconds (HAProxy's curr_tick).</summary>
    public long CurrentStart { get; set; }

    /// <summary>Events in the current period (curr_ctr).</summary>
    public uint Current { get; set; }

    /// <summary>Events in the previous period (prev_ctr).</summary>
    public uint Previous { get; set; }

    /// <summary>Adds <paramref name="increment"/> events at <paramref name="now"/>
    /// (update_freq_ctr_period): past the period, the current count becomes the previous one, or
    /// both start over when two periods went by.</summary>
    public void Add(long now, uint period, uint increment)
    {
        if (now - CurrentStart < period)
        {
            Current += increment;
            return;
        }
        Previous = Current;
        Current = increment;
        CurrentStart += period;
        if (now - CurrentStart >= period)
        {
            Previous = 0;
            CurrentStart = now;
        }
    }

    /// <summary>The events over the period ending at <paramref name="now"/>, times the period
    /// (freq_ctr_total with no pending events); <see cref="Rate"/> divides it. Kept apart so that
    /// several nodes' counters add up before the one division.</summary>
    public readonly ulong Total(long now, uint period)
    {
        ulong current = Current, previous = Previous;
        // Another node's clock may be a little ahead: its period has not more than all of it left.
        long remain = Math.Min(CurrentStart + period - now, period);
        if (remain < 0)
        {
            // Past the first period: a part of it may still count, or nothing.
            remain += period;
            previous = remain >= 0 ? current : 0;
            current = 0;
        }
        if (current == 0 && previous <= 1)
        {
            // HAProxy's correction at very low rates, so that one event does not flap.
            return previous * period;
        }
        return previous * (ulong)remain + current * period;
    }

    /// <summary>The rate at <paramref name="now"/> (read_freq_ctr_period).</summary>
    public readonly uint Rate(long now, uint period) => period == 0 ? 0 : (uint)(Total(now, period) / period);
}
