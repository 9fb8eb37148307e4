namespace ActorProxy.Runtime.Stick;

/// <summary>
/// One key of a stick table (HAProxy's <c>struct stksess</c>): this node's <see cref="StickSlot"/>,
/// the other nodes' replicated ones, and how many streams of this node track it. Its value for a
/// data type is read across the slots, with no round trip. Every access locks the entry.
/// </summary>
public sealed class StickEntry
{
    private readonly StickTable _table;
    private Dictionary<string, StickSlot>? _remote;

    internal StickEntry(StickTable table, string key)
    {
        _table = table;
        Key = key;
        Own = table.Layout.NewSlot();
    }

    private static long s_nextId;

    /// <summary>A number of its own, which <c>show table</c> prints where HAProxy prints the entry's address.</summary>
    public long Id { get; } = Interlocked.Increment(ref s_nextId);

    /// <summary>The key, as <see cref="StickKey"/> makes it.</summary>
    public string Key { get; }

    /// <summary>This node's share.</summary>
    internal StickSlot Own { get; }

    /// <summary>Streams of this node that track the entry (HAProxy's ref_cnt, <c>use=</c>).</summary>
    public int Trackers { get; private set; }

    /// <summary>True once this node changed its share since the last <see cref="StickTable.TakeChanges"/>.</summary>
    internal bool Changed { get; set; }

    /// <summary>True once the table dropped the entry: a stream that still tracks it counts nothing more in the table.</summary>
    internal bool Dropped { get; set; }

    /// <summary>Until when the entry lives: the latest of its slots' deadlines; 0 in a table
    /// without expire, where entries live until room is needed.</summary>
    public long ExpireAt
    {
        get
        {
            if (_table.Settings.Expire == 0)
            {
                return 0;
            }
            lock (this)
            {
                // A slot that never touched the entry (0) keeps nothing alive.
                long at = Own.ExpireAt;
                foreach (var slot in _remote?.Values ?? Enumerable.Empty<StickSlot>())
                {
                    at = Math.Max(at, slot.ExpireAt);
                }
                return at;
            }
        }
    }

    /// <summary>The value of <paramref name="type"/> at <paramref name="now"/> across the cluster,
    /// or null when the table does not store it: a rate per its period, a counter summed, gpt0 the
    /// latest set.</summary>
    public long? Read(StickDataType type, long now)
    {
        var layout = _table.Layout;
        int at = layout.IndexOf(type);
        if (at < 0)
        {
            return null;
        }
        lock (this)
        {
            if (StickDataTypes.IsRate(type))
            {
                uint period = layout.Periods[type];
                ulong total = Own.Rates[at].Total(now, period);
                foreach (var slot in _remote?.Values ?? Enumerable.Empty<StickSlot>())
                {
                    total += slot.Rates[at].Total(now, period);
                }
                return (long)(total / Math.Max(period, 1u));
            }
            if (type == StickDataType.Gpt0)
            {
                var latest = Own;
                foreach (var slot in _remote?.Values ?? Enumerable.Empty<StickSlot>())
                {
                    latest = slot.Gpt0SetAt > latest.Gpt0SetAt ? slot : latest;
                }
                return latest.Counts[at];
            }
            long sum = Own.Counts[at];
            foreach (var slot in _remote?.Values ?? Enumerable.Empty<StickSlot>())
            {
                sum += slot.Counts[at];
            }
            // HAProxy's counters are unsigned 32-bit, but bytes counts which are 64-bit.
            return type is StickDataType.BytesInCnt or StickDataType.BytesOutCnt ? sum : (uint)sum;
        }
    }

    /// <summary>Adds <paramref name="increment"/> to a counter and its rate at <paramref name="now"/>,
    /// each where stored (conn_cnt with conn_rate, gpc0 with gpc0_rate…).</summary>
    public void Add(StickDataType count, StickDataType? rate, long increment, long now)
    {
        var layout = _table.Layout;
        int countAt = layout.IndexOf(count);
        int rateAt = rate is { } r ? layout.IndexOf(r) : -1;
        if (countAt < 0 && rateAt < 0)
        {
            return;
        }
        lock (this)
        {
            if (countAt >= 0)
            {
                Own.Counts[countAt] += increment;
            }
            if (rateAt >= 0 && increment > 0)
            {
                Own.Rates[rateAt].Add(now, layout.Periods[rate!.Value], (uint)increment);
            }
            Touch(now);
        }
    }

    /// <summary>Sets a counter or gpt0 to <paramref name="value"/> across the cluster: this node's
    /// share takes the difference to what the others count (gpt0 is the latest set); a rate is set
    /// in this node's share.</summary>
    public void Set(StickDataType type, long value, long now)
    {
        var layout = _table.Layout;
        int at = layout.IndexOf(type);
        if (at < 0)
        {
            return;
        }
        lock (this)
        {
            if (type == StickDataType.Gpt0)
            {
                Own.Counts[at] = (uint)value;
                Own.Gpt0SetAt = Math.Max(now, Own.Gpt0SetAt + 1);
            }
            else if (StickDataTypes.IsRate(type))
            {
                // HAProxy's set table on a rate: the current period holds the value, the previous
                // nothing, so it reads steady and then fades. Here it is this node's share.
                Own.Rates[at] = new FrequencyCounter { CurrentStart = now, Current = (uint)value };
            }
            else
            {
                long others = 0;
                foreach (var slot in _remote?.Values ?? Enumerable.Empty<StickSlot>())
                {
                    others += slot.Counts[at];
                }
                Own.Counts[at] = value - others;
            }
            Touch(now);
        }
    }

    /// <summary>One more stream of this node tracks the entry.</summary>
    internal void Track()
    {
        lock (this)
        {
            Trackers++;
        }
    }

    /// <summary>A stream of this node stops tracking the entry.</summary>
    internal void Untrack()
    {
        lock (this)
        {
            Trackers = Math.Max(0, Trackers - 1);
        }
    }

    /// <summary>Keeps the entry for the table's expire from <paramref name="now"/> (stktable_touch_local).</summary>
    internal void Touch(long now)
    {
        lock (this)
        {
            Own.ExpireAt = _table.Settings.Expire == 0 ? 0 : now + _table.Settings.Expire;
            Changed = true;
        }
    }

    /// <summary>A copy of this node's share, and clears <see cref="Changed"/>.</summary>
    internal StickSlot TakeOwn()
    {
        lock (this)
        {
            Changed = false;
            return Own.Copy();
        }
    }

    /// <summary>Takes another node's share as it replicated it (or forgets it, for null).</summary>
    internal void Merge(string node, StickSlot? slot)
    {
        lock (this)
        {
            if (slot is null)
            {
                _remote?.Remove(node);
                return;
            }
            (_remote ??= [])[node] = slot;
        }
    }

    /// <summary>True when no slot keeps the entry past <paramref name="now"/> and no stream here tracks it.</summary>
    internal bool ExpiredAt(long now)
    {
        lock (this)
        {
            return Trackers == 0 && _table.Settings.Expire != 0 && ExpireAt <= now;
        }
    }
}
