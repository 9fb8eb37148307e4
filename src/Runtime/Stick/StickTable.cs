using System.Collections.Concurrent;
using System.Net;

namespace ActorProxy.Runtime.Stick;

/// <summary>
/// A proxy's stick table (HAProxy's <c>struct stktable</c>): entries by key, at most
/// <see cref="StickTableSettings.Size"/> of them, each dropped once its expire has passed and no
/// stream tracks it. Its clock is Unix milliseconds, so that the nodes of a cluster read each
/// other's rates on one time line. Safe for every thread: the map is concurrent, each entry locks
/// itself.
/// </summary>
public sealed class StickTable
{
    private readonly ConcurrentDictionary<string, StickEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _dropped = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Lock _full = new();

    /// <summary>An empty table of <paramref name="settings"/>.</summary>
    public StickTable(StickTableSettings settings, TimeProvider time)
    {
        Settings = settings;
        Layout = new StickTableLayout(settings.Stores);
        _time = time;
    }

    /// <summary>What the table is.</summary>
    public StickTableSettings Settings { get; }

    /// <summary>Where its data types sit in a slot.</summary>
    public StickTableLayout Layout { get; }

    /// <summary>True when its proxy is a frontend, false for a backend.</summary>
    public bool InFrontend { get; init; } = true;

    /// <summary>The table's name: its proxy's.</summary>
    public string Name => Settings.Name;

    /// <summary>Now, on the table's clock.</summary>
    public long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Entries it holds now (HAProxy's <c>current</c>, <c>table_cnt</c>).</summary>
    public int Count
    {
        get
        {
            Purge();
            return _entries.Count;
        }
    }

    /// <summary>The entry of <paramref name="key"/>, or null (stktable_lookup_key).</summary>
    public StickEntry? Lookup(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }
        if (entry.ExpiredAt(Now))
        {
            Drop(entry);
            return null;
        }
        return entry;
    }

    /// <summary>The entry of <paramref name="key"/>, made when there is none, kept for the
    /// table's expire from now (stktable_get_entry); null when the table is full of entries that
    /// streams track.</summary>
    public StickEntry? GetOrCreate(string key)
    {
        if (Lookup(key) is { } found)
        {
            found.Touch(Now);
            return found;
        }
        lock (_full)
        {
            if (_entries.TryGetValue(key, out var raced))
            {
                raced.Touch(Now);
                return raced;
            }
            if (_entries.Count >= Settings.Size && !MakeRoom())
            {
                return null;
            }
            var entry = new StickEntry(this, key);
            entry.Touch(Now);
            _entries[key] = entry;
            _dropped.TryRemove(key, out _);
            return entry;
        }
    }

    /// <summary>Every entry alive now, in HAProxy's key order (its tree's: addresses and
    /// integers by value, strings and bytes by byte).</summary>
    public IReadOnlyList<StickEntry> Entries()
    {
        Purge();
        return [.. _entries.Values.OrderBy(e => e.Key, KeyOrder)];
    }

    /// <summary>Removes the entry of <paramref name="key"/> (<c>clear table … key</c>); false when
    /// a stream tracks it, which HAProxy refuses too.</summary>
    public bool Remove(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return true;
        }
        if (entry.Trackers > 0)
        {
            return false;
        }
        Drop(entry);
        return true;
    }

    /// <summary>Removes every entry no stream tracks that <paramref name="match"/> selects (<c>clear table</c>).</summary>
    public void Clear(Func<StickEntry, bool> match)
    {
        foreach (var entry in _entries.Values)
        {
            if (entry.Trackers == 0 && match(entry))
            {
                Drop(entry);
            }
        }
    }

    /// <summary>This node's shares changed since the last call, and the keys it dropped since,
    /// for the cluster's other nodes.</summary>
    public (IReadOnlyList<(string Key, StickSlot Slot)> Changed, IReadOnlyList<string> Dropped) TakeChanges()
    {
        Purge();
        var changed = new List<(string, StickSlot)>();
        foreach (var entry in _entries.Values)
        {
            if (entry.Changed)
            {
                changed.Add((entry.Key, entry.TakeOwn()));
            }
        }
        var dropped = new List<string>();
        foreach (string key in _dropped.Keys)
        {
            if (_dropped.TryRemove(key, out _) && !_entries.ContainsKey(key))
            {
                dropped.Add(key);
            }
        }
        return (changed, dropped);
    }

    /// <summary>This node's share of every entry, for nodes that did not get them (it was alone);
    /// what changed before is taken with them.</summary>
    public IReadOnlyList<(string Key, StickSlot Slot)> TakeAll()
    {
        TakeChanges();
        return [.. Entries().Select(entry => (entry.Key, entry.TakeOwn()))];
    }

    /// <summary>Takes <paramref name="node"/>'s share of <paramref name="key"/> as it replicated it,
    /// or forgets it for null. A share for a key this node has not seen makes its entry, while there is room.</summary>
    public void Merge(string node, string key, StickSlot? slot)
    {
        if (slot is null)
        {
            if (_entries.TryGetValue(key, out var known))
            {
                known.Merge(node, null);
            }
            return;
        }
        if (slot.Counts.Length != Layout.CountCount || slot.Rates.Length != Layout.RateCount)
        {
            throw new ArgumentException($"stick table '{Name}': node {node} stores other data for key '{key}' ({slot.Counts.Length} counters, {slot.Rates.Length} rates; this node's table has {Layout.CountCount} and {Layout.RateCount})");
        }
        if (_entries.TryGetValue(key, out var entry))
        {
            entry.Merge(node, slot);
            return;
        }
        lock (_full)
        {
            if (!_entries.TryGetValue(key, out entry))
            {
                if (_entries.Count >= Settings.Size && !MakeRoom())
                {
                    return;
                }
                entry = new StickEntry(this, key);
                _entries[key] = entry;
            }
        }
        entry.Merge(node, slot);
    }

    /// <summary>Forgets every share of <paramref name="node"/>, which left the cluster.</summary>
    public void ForgetNode(string node)
    {
        foreach (var entry in _entries.Values)
        {
            entry.Merge(node, null);
        }
    }

    /// <summary>Drops the entries whose time is over (process_table_expire).</summary>
    public void Purge()
    {
        long now = Now;
        foreach (var entry in _entries.Values)
        {
            if (entry.ExpiredAt(now))
            {
                Drop(entry);
            }
        }
    }

    // stktable_trash_oldest: the entries that expire first and that no stream tracks go, a 256th
    // of the table at a time, so that a new one fits.
    private bool MakeRoom()
    {
        Purge();
        if (_entries.Count < Settings.Size)
        {
            return true;
        }
        foreach (var oldest in _entries.Values.Where(e => e.Trackers == 0).OrderBy(e => e.ExpireAt == 0 ? long.MaxValue : e.ExpireAt).Take((Settings.Size >> 8) + 1).ToList())
        {
            Drop(oldest);
        }
        return _entries.Count < Settings.Size;
    }

    private void Drop(StickEntry entry)
    {
        if (((ICollection<KeyValuePair<string, StickEntry>>)_entries).Remove(new(entry.Key, entry)))
        {
            entry.Dropped = true;
            _dropped[entry.Key] = 0;
        }
    }

    private IComparer<string> KeyOrder => Settings.Type switch
    {
        StickKeyType.Ip or StickKeyType.Ipv6 => Comparer<string>.Create((a, b) =>
            IPAddress.Parse(a).GetAddressBytes().AsSpan().SequenceCompareTo(IPAddress.Parse(b).GetAddressBytes())),
        StickKeyType.Number => Comparer<string>.Create((a, b) => uint.Parse(a).CompareTo(uint.Parse(b))),
        _ => StringComparer.Ordinal,
    };
}
