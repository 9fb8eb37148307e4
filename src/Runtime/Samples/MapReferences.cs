namespace ActorProxy.Runtime.Samples;

/// <summary>The pattern references of one configuration (HAProxy's list of <c>pat_ref</c>), in
/// the order they were made, which numbers them: each map or ACL file read once and shared by
/// every rule that names it, and each ACL expression's own patterns.</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class MapReferences
{
    private static long s_standalone;
    private static readonly long s_standalonePrefix = Random.Shared.NextInt64(1, 0xFF_FFFF) << 32;

    private readonly Lock _lock = new();
    private readonly List<(string Path, MapReference Map)> _maps = [];
    private long _fileEntries;
    private long _changeEntries;

    /// <summary>Where changes go to be ordered across a cluster; null on a node alone, where they apply at once.</summary>
    public IMapReplication? Replication { get; set; }

    /// <summary>The prefix of the ids of entries this node's changes make, so that no two nodes
    /// make the same id: 24 bits above a 32-bit count (a cluster sets it from the node's unique id).</summary>
    public long EntryPrefix { get; set; } = Random.Shared.NextInt64(1, 0xFF_FFFF) << 32;

    /// <summary>The next id of an entry read from a file: numbered in reading order, so alike on
    /// every node of one configuration.</summary>
    internal long NextFileEntryId() => Interlocked.Increment(ref _fileEntries);

    /// <summary>The id of an entry a change makes: this node's prefix, then a count.</summary>
    internal long NewEntryId() => EntryPrefix | Interlocked.Increment(ref _changeEntries);

    /// <summary>An id for an entry of a map no configuration shares (a Lua <c>Map</c>).</summary>
    internal static long StandaloneEntryId() => s_standalonePrefix | Interlocked.Increment(ref s_standalone);

    /// <summary>Every reference, by number.</summary>
    public IReadOnlyList<MapReference> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _maps.Select(m => m.Map)];
            }
        }
    }

    /// <summary>The map of the file at <paramref name="path"/> (written <paramref name="name"/>),
    /// read now if no rule read it before.</summary>
    /// <exception cref="SampleSyntaxException">The file cannot be read.</exception>
    public MapReference GetOrRead(string path, string name) => GetOrAdd(path, name, PatternUsers.Map, () => PatternFile.ReadMap(path, name));

    /// <summary>The patterns an ACL's <c>-f</c> loads from the file at <paramref name="path"/>
    /// (written <paramref name="name"/>), read now if no rule read it before: one per line, or,
    /// <paramref name="asMap"/> (<c>-M</c>), the keys of a map file, which maps then share.</summary>
    /// <exception cref="SampleSyntaxException">The file cannot be read.</exception>
    public MapReference GetOrReadPatterns(string path, string name, bool asMap) =>
        GetOrAdd(path, name, asMap ? PatternUsers.Acl | PatternUsers.Map : PatternUsers.Acl,
            () => asMap ? PatternFile.ReadMap(path, name) : PatternFile.ReadPatterns(path));

    /// <summary>A new reference for an ACL expression's own <paramref name="patterns"/>,
    /// <paramref name="description"/> as <c>show acl</c> lists it, numbered
    /// <paramref name="uniqueId"/> when the ACL's <c>-u</c> says so.</summary>
    /// <exception cref="SampleSyntaxException">Another <c>-u</c> took that number.</exception>
    public MapReference AddOwnPatterns(string description, IEnumerable<string> patterns, int? uniqueId = null)
    {
        lock (_lock)
        {
            if (uniqueId is { } id && _maps.Any(m => m.Map.IdChosen && m.Map.Id == id))
            {
                throw new SampleSyntaxException("the id is already used");
            }
            var own = new MapReference(uniqueId ?? _maps.Count, "", patterns.Select(p => (p, "", 0)), description, this) { IdChosen = uniqueId is not null };
            own.UsedBy(PatternUsers.Acl);
            _maps.Add(("", own));
            return own;
        }
    }

    /// <summary>Numbers the references once the configuration is read, as HAProxy's
    /// pattern_finalize_config: those an ACL's <c>-u</c> numbered keep their number, the others
    /// take the first numbers free in the order they were read, and the list goes by number.</summary>
    public void Number()
    {
        lock (_lock)
        {
            var chosen = _maps.Where(m => m.Map.IdChosen).Select(m => m.Map.Id).ToHashSet();
            int next = 0;
            foreach (var (_, map) in _maps.Where(m => !m.Map.IdChosen))
            {
                while (chosen.Contains(next))
                {
                    next++;
                }
                map.Id = next++;
            }
            _maps.Sort((a, b) => a.Map.Id.CompareTo(b.Map.Id));
        }
    }

    private MapReference GetOrAdd(string path, string name, PatternUsers users, Func<List<(string Key, string Value, int Line)>> read)
    {
        lock (_lock)
        {
            foreach (var (known, map) in _maps)
            {
                if (known.Length > 0 && known == path)
                {
                    map.UsedBy(users);
                    return map;
                }
            }
            var added = new MapReference(_maps.Count, name, read(), owner: this);
            added.UsedBy(users);
            _maps.Add((path, added));
            return added;
        }
    }

    /// <summary>The map <paramref name="identifier"/> names: <c>#ID</c>, or its file as written, or null.</summary>
    public MapReference? Find(string identifier)
    {
        lock (_lock)
        {
            if (identifier.StartsWith('#'))
            {
                return int.TryParse(identifier.AsSpan(1), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int id)
                    ? _maps.FirstOrDefault(m => m.Map.Id == id).Map
                    : null;
            }
            return identifier.Length == 0 ? null : _maps.FirstOrDefault(m => m.Map.Name == identifier || m.Path == identifier).Map;
        }
    }
}
