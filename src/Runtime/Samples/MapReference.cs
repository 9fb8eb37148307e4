namespace ActorProxy.Runtime.Samples;

/// <summary>
/// A pattern file's entries as every user of the file shares them (HAProxy's <c>pat_ref</c>): the
/// map converters of every rule that names the file, the ACL expressions that load it, and the
/// admin channel's map and ACL commands, whose changes the users see at their next lookup. An
/// ACL expression's own patterns are a reference too, with no file. A map's entries have values;
/// an ACL file's have none. A change is checked first by every user (a value each output type can read, a key
/// each match method can), and refused as a whole when one cannot.
/// </summary>
/// <remarks>Thread-safe: changes are serialised, readers take the entries as they are.</remarks>
public sealed class MapReference
{
    private static long s_nextEntry;

    private readonly Lock _lock = new();
    private readonly List<Func<string, string, string?>> _checks = [];
    private volatile MapEntry[] _entries;
    private long _revision;

    internal MapReference(int id, string name, IEnumerable<(string Key, string Value, int Line)> entries, string? description = null)
    {
        Id = id;
        Name = name;
        Description = description;
        _entries = [.. entries.Select(e => new MapEntry(Interlocked.Increment(ref s_nextEntry), e.Key, e.Value, e.Line))];
    }

    /// <summary>Its number on the admin channel (<c>#0</c>), in the order the maps were read.</summary>
    public int Id { get; }

    /// <summary>The file's name as the configuration wrote it; empty for an ACL's own patterns.</summary>
    public string Name { get; }

    /// <summary>For an ACL's own patterns, what <c>show acl</c> says of them (<c>acl 'src'</c>); null for a file.</summary>
    public string? Description { get; }

    /// <summary>What uses it: maps, ACLs, or both.</summary>
    public PatternUsers Users { get; private set; }

    /// <summary>The entries now, in order.</summary>
    public IReadOnlyList<MapEntry> Entries => _entries;

    /// <summary>One more at each change: users rebuild what they made of the entries.</summary>
    public long Revision => Interlocked.Read(ref _revision);

    /// <summary>Notes that <paramref name="users"/> use it too.</summary>
    internal void UsedBy(PatternUsers users)
    {
        lock (_lock)
        {
            Users |= users;
        }
    }

    /// <summary>Adds a pattern at the end (<c>add acl</c>, <c>add-acl</c>: <paramref name="unlessPresent"/>);
    /// the reason it is refused, or null. A reference a map uses takes entries with values only (<c>add map</c>).</summary>
    public string? AddPattern(string pattern, bool unlessPresent = false)
    {
        lock (_lock)
        {
            if (unlessPresent && _entries.Any(e => e.Key == pattern))
            {
                return null;
            }
            if (Users.HasFlag(PatternUsers.Map))
            {
                return "This ACL is shared with a map containing samples. You must use the command 'add map' to add values.";
            }
            if (Refusal(pattern, "") is { } refusal)
            {
                return refusal;
            }
            Publish([.. _entries, new MapEntry(Interlocked.Increment(ref s_nextEntry), pattern, "", 0)]);
            return null;
        }
    }

    /// <summary>Adds a user's check of a key and value: the reason it refuses them, or null.</summary>
    internal void AddCheck(Func<string, string, string?> check)
    {
        lock (_lock)
        {
            _checks.Add(check);
        }
    }

    /// <summary>Adds an entry at the end (<c>add map</c>); the reason it is refused, or null.</summary>
    public string? Add(string key, string value)
    {
        lock (_lock)
        {
            if (Refusal(key, value) is { } refusal)
            {
                return refusal;
            }
            Publish([.. _entries, new MapEntry(Interlocked.Increment(ref s_nextEntry), key, value, 0)]);
            return null;
        }
    }

    /// <summary>Sets the value of every entry of <paramref name="key"/>, or of the entry
    /// <c>#0x…</c> names (<c>set map</c>); false when there is none.</summary>
    public bool Set(string key, string value, out string? refusal)
    {
        lock (_lock)
        {
            refusal = null;
            var entries = _entries;
            if (!entries.Any(e => Names(e, key)))
            {
                return false;
            }
            if (Refusal(entries.First(e => Names(e, key)).Key, value) is { } refused)
            {
                refusal = refused;
                return true;
            }
            Publish([.. entries.Select(e => Names(e, key) ? e with { Value = value } : e)]);
            return true;
        }
    }

    /// <summary>Sets the value of every entry of <paramref name="key"/>, or adds one when there is
    /// none (<c>http-request set-map</c>); the reason it is refused, or null.</summary>
    public string? SetOrAdd(string key, string value)
    {
        lock (_lock)
        {
            if (Refusal(key, value) is { } refusal)
            {
                return refusal;
            }
            var entries = _entries;
            Publish(entries.Any(e => e.Key == key)
                ? [.. entries.Select(e => e.Key == key ? e with { Value = value } : e)]
                : [.. entries, new MapEntry(Interlocked.Increment(ref s_nextEntry), key, value, 0)]);
            return null;
        }
    }

    /// <summary>Removes every entry of <paramref name="key"/>, or the entry <c>#0x…</c> names
    /// (<c>del map</c>); false when there is none.</summary>
    public bool Delete(string key)
    {
        lock (_lock)
        {
            var entries = _entries;
            if (!entries.Any(e => Names(e, key)))
            {
                return false;
            }
            Publish([.. entries.Where(e => !Names(e, key))]);
            return true;
        }
    }

    /// <summary>Removes every entry (<c>clear map</c>).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            Publish([]);
        }
    }

    /// <summary>The entry's reference as the admin channel prints it and takes it back (<c>#0x…</c>).</summary>
    public static string Reference(MapEntry entry) => $"0x{entry.Id:x12}";

    private static bool Names(MapEntry entry, string key) =>
        key.StartsWith("#0x", StringComparison.Ordinal) ? key[1..] == Reference(entry) : entry.Key == key;

    private string? Refusal(string key, string value) => _checks.Select(check => check(key, value)).FirstOrDefault(r => r is not null);

    private void Publish(MapEntry[] entries)
    {
        _entries = entries;
        Interlocked.Increment(ref _revision);
    }
}
