using ActorProxy.Actors.Serialization;
using ActorProxy.Runtime.Stick;

namespace ActorProxy.Actors.Stick;

/// <summary>
/// One node's share of one stick table entry, as the cluster replicates it: the value of a
/// last-writer-wins entry keyed by the node and the key, which only that node writes. Each node
/// adds up the others' shares with its own, so a counter is a sum of per-node counts (the shape of
/// a G-counter) and a rate the sum of per-node frequency counters.
/// </summary>
/// <param name="Shape">A digest of the table's <see cref="StickTableSettings.Shape"/> on the writing
/// node: shares of a table defined otherwise are not added.</param>
/// <param name="Counts">The stored counters, in the table's layout order.</param>
/// <param name="Rates">The stored rates, in the layout's order.</param>
/// <param name="Gpt0SetAt">When the node last set gpt0, in Unix milliseconds.</param>
/// <param name="ExpireAt">Until when the node keeps the entry, in Unix milliseconds; 0 for ever.</param>
public sealed record StickShare(string Shape, long[] Counts, StickRateShare[] Rates, long Gpt0SetAt, long ExpireAt) : IClusterMessage
{
    /// <summary>The share of <paramref name="slot"/>.</summary>
    public static StickShare Of(StickSlot slot, string shape) => new(shape, slot.Counts,
        [.. slot.Rates.Select(r => new StickRateShare(r.CurrentStart, r.Current, r.Previous))], slot.Gpt0SetAt, slot.ExpireAt);

    /// <summary>The slot it replicates.</summary>
    public StickSlot ToSlot() => new((long[])Counts.Clone(),
        [.. Rates.Select(r => new FrequencyCounter { CurrentStart = r.CurrentStart, Current = r.Current, Previous = r.Previous })])
    {
        Gpt0SetAt = Gpt0SetAt,
        ExpireAt = ExpireAt,
    };
}

/// <summary>A frequency counter of a <see cref="StickShare"/> (HAProxy's <c>struct freq_ctr</c>).</summary>
/// <param name="CurrentStart">When its current period began, in Unix milliseconds.</param>
/// <param name="Current">Events in the current period.</param>
/// <param name="Previous">Events in the previous period.</param>
public sealed record StickRateShare(long CurrentStart, uint Current, uint Previous);
