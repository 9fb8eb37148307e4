namespace ActorProxy.Runtime.Stick;

/// <summary>
/// One node's share of a stick table's entry: what that node counted, its rates, when it last
/// set gpt0, and until when it keeps the entry. Only its own node writes it; the others read the
/// copies it replicates, and an entry's value is the sum of its slots (gpt0: the latest set).
/// </summary>
public sealed class StickSlot
{
    /// <summary>A slot of <paramref name="counts"/> and <paramref name="rates"/>.</summary>
    public StickSlot(long[] counts, FrequencyCounter[] rates)
    {
        Counts = counts;
        Rates = rates;
    }

    /// <summary>The stored counters, in the table's <see cref="StickTableLayout"/> order.</summary>
    public long[] Counts { get; }

    /// <summary>The stored rates, in the layout's order.</summary>
    public FrequencyCounter[] Rates { get; }

    /// <summary>When gpt0 was last set here, in Unix milliseconds; 0 for never.</summary>
    public long Gpt0SetAt { get; set; }

    /// <summary>Until when this node keeps the entry, in Unix milliseconds; 0 for ever.</summary>
    public long ExpireAt { get; set; }

    /// <summary>A copy that later changes to the original do not reach.</summary>
    public StickSlot Copy() => new((long[])Counts.Clone(), (FrequencyCounter[])Rates.Clone()) { Gpt0SetAt = Gpt0SetAt, ExpireAt = ExpireAt };
}
