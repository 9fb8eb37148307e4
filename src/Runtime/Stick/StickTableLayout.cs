namespace ActorProxy.Runtime.Stick;

/// <summary>Where each stored data type sits in a <see cref="StickSlot"/>: counters and rates in
/// arrays of their own, only what the table stores.</summary>
public sealed class StickTableLayout
{
    private readonly int[] _index;

    /// <summary>The layout of a table that stores <paramref name="stores"/>.</summary>
    public StickTableLayout(IReadOnlyDictionary<StickDataType, uint> stores)
    {
        _index = new int[StickDataTypes.All.Count];
        Array.Fill(_index, -1);
        foreach (var type in StickDataTypes.All.Where(stores.ContainsKey))
        {
            _index[(int)type] = StickDataTypes.IsRate(type) ? RateCount++ : CountCount++;
            Periods[type] = stores[type];
        }
    }

    /// <summary>How many counters a slot has.</summary>
    public int CountCount { get; }

    /// <summary>How many rates a slot has.</summary>
    public int RateCount { get; }

    /// <summary>The stored rates' periods, in milliseconds.</summary>
    public Dictionary<StickDataType, uint> Periods { get; } = [];

    /// <summary>True when the table stores <paramref name="type"/>.</summary>
    public bool Stores(StickDataType type) => _index[(int)type] >= 0;

    /// <summary>Where <paramref name="type"/> sits in its array, or -1.</summary>
    public int IndexOf(StickDataType type) => _index[(int)type];

    /// <summary>A slot with nothing counted.</summary>
    public StickSlot NewSlot() => new(new long[CountCount], new FrequencyCounter[RateCount]);
}
