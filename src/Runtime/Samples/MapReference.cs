namespace ActorProxy.Runtime.Samples;

/// <summary>
/// A pattern file's entries as every user of the file shares them (HAProxy's <c>pat_ref</c>): the
/// map converters of every rule that names the file, the ACL expressions that load it, and the
/// admin channel's map and ACL commands, whose changes the users see at their next lookup. An
/// ACL expression's own patterns are a reference too, with no file. A map's entries have values;
/// an ACL file's have none. A change is checked first by every user (a value each output type can read, a key
/// each match method can), and refused as a whole when one cannot.
/// </summary>
/// <remarks>Thread-safe: changes are serialised, readers take the entries as they are. In a
/// cluster (<see cref="MapReferences.Replication"/>) a change shows here at once and goes to be
/// ordered; the entries are then those every node agreed on (<see cref="Confirm"/>), with this
/// node's changes not yet ordered replayed over them, so that every node ends alike.</remarks>
public sealed class MapReference
{
    private readonly Lock _lock = new();
    private readonly List<Func<string, string, string?>> _checks = [];
    private readonly List<PatternExpression> _expressions = [];
    private readonly MapReferences? _owner;
    private readonly List<MapChange> _pending = [];
    private MapEntry[] _confirmed;
    private volatile MapEntry[] _entries;
    private long _revision;

    internal MapReference(int id, string name, IEnumerable<(string Key, string Value, int Line)> entries, string? description = null, MapReferences? owner = null)
    {
        Id = id;
        Name = name;
        Description = description;
        _owner = owner;
        _confirmed = [.. entries.Select(e => new MapEntry(owner?.NextFileEntryId() ?? MapReferences.StandaloneEntryId(), e.Key, e.Value, e.Line))];
        _entries = _confirmed;
    }

    /// <summary>Its number on the admin channel (<c>#0</c>): an ACL's <c>-u</c>, else the first free
    /// one in the order the maps were read (<see cref="MapReferences.Number"/>).</summary>
    public int Id { get; internal set; }

    /// <summary>True when an ACL's <c>-u</c> chose <see cref="Id"/>.</summary>
    public bool IdChosen { get; internal init; }

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
            Commit(new MapChange(unlessPresent ? MapChangeKind.AddUnlessPresent : MapChangeKind.Add, pattern, "", NewEntryId()));
            return null;
        }
    }

    /// <summary>The ways its patterns are matched, in the order the configuration first used
    /// each (HAProxy's list of pattern expressions of a reference).</summary>
    public IReadOnlyList<PatternExpression> Expressions
    {
        get
        {
            lock (_lock)
            {
                return [.. _expressions];
            }
        }
    }

    /// <summary>Notes a use of the patterns: a new expression, unless one HAProxy would share is
    /// there (the first use's then stands for both in <c>get map</c>, as in HAProxy).</summary>
    internal void UsedAs(PatternExpression expression)
    {
        lock (_lock)
        {
            if (!_expressions.Any(e => e.SharedWith(expression)))
            {
                _expressions.Add(expression);
            }
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
            Commit(new MapChange(MapChangeKind.Add, key, value, NewEntryId()));
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
            var change = new MapChange(MapChangeKind.Set, key, value, 0);
            if (_entries.FirstOrDefault(change.Names) is not { } named)
            {
                return false;
            }
            if (Refusal(named.Key, value) is { } refused)
            {
                refusal = refused;
                return true;
            }
            Commit(change);
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
            Commit(new MapChange(MapChangeKind.SetOrAdd, key, value, NewEntryId()));
            return null;
        }
    }

    /// <summary>Removes every entry of <paramref name="key"/>, or the entry <c>#0x…</c> names
    /// (<c>del map</c>); false when there is none.</summary>
    public bool Delete(string key)
    {
        lock (_lock)
        {
            var change = new MapChange(MapChangeKind.Delete, key, "", 0);
            if (!_entries.Any(change.Names))
            {
                return false;
            }
            Commit(change);
            return true;
        }
    }

    /// <summary>Removes every entry (<c>clear map</c>).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            Commit(new MapChange(MapChangeKind.Clear, "", "", 0));
        }
    }

    /// <summary>Applies a change the cluster ordered (<paramref name="own"/>: this node's oldest
    /// change not yet ordered, which it confirms).</summary>
    public void Confirm(MapChange change, bool own)
    {
        lock (_lock)
        {
            _confirmed = change.ApplyTo(_confirmed);
            if (own && _pending.Count > 0)
            {
                _pending.RemoveAt(0);
            }
            Replay();
        }
    }

    /// <summary>The entries every node agreed on, for a node that joins.</summary>
    public IReadOnlyList<MapEntry> Confirmed
    {
        get
        {
            lock (_lock)
            {
                return _confirmed;
            }
        }
    }

    /// <summary>This node's changes not yet ordered, oldest first.</summary>
    public IReadOnlyList<MapChange> Pending
    {
        get
        {
            lock (_lock)
            {
                return [.. _pending];
            }
        }
    }

    /// <summary>Takes the cluster's entries (a node that joins, or a new sequencer); this node's
    /// changes not yet ordered stay on top of them.</summary>
    public void Reset(IEnumerable<MapEntry> confirmed)
    {
        lock (_lock)
        {
            _confirmed = [.. confirmed];
            Replay();
        }
    }

    /// <summary>The entry's reference as the admin channel prints it and takes it back (<c>#0x…</c>).</summary>
    public static string Reference(MapEntry entry) => $"0x{entry.Id:x12}";

    private long NewEntryId() => _owner?.NewEntryId() ?? MapReferences.StandaloneEntryId();

    private string? Refusal(string key, string value) => _checks.Select(check => check(key, value)).FirstOrDefault(r => r is not null);

    // The change shows here now; in a cluster it also goes to be ordered, and stays pending until it comes back.
    private void Commit(MapChange change)
    {
        if (_owner?.Replication is { } replication)
        {
            _pending.Add(change);
            Publish(change.ApplyTo(_entries));
            replication.Propose(this, change);
            return;
        }
        _confirmed = change.ApplyTo(_confirmed);
        Publish(_confirmed);
    }

    // The entries again from the ordered ones and this node's pending changes; unchanged (this
    // node's own change coming back in its place), the users need not rebuild what they made of them.
    private void Replay()
    {
        var entries = _pending.Aggregate(_confirmed, (current, change) => change.ApplyTo(current));
        if (!entries.AsSpan().SequenceEqual(_entries))
        {
            Publish(entries);
        }
    }

    private void Publish(MapEntry[] entries)
    {
        _entries = entries;
        Interlocked.Increment(ref _revision);
    }
}
