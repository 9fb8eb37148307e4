namespace ActorProxy.Runtime.Samples;

/// <summary>The maps of one configuration, each file read once and shared by every rule that
/// names it (HAProxy's list of pattern references), in the order they were read.</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class MapReferences
{
    private readonly Lock _lock = new();
    private readonly List<(string Path, MapReference Map)> _maps = [];

    /// <summary>Every map, by number.</summary>
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
    public MapReference GetOrRead(string path, string name)
    {
        lock (_lock)
        {
            foreach (var (known, map) in _maps)
            {
                if (known == path)
                {
                    return map;
                }
            }
            var read = new MapReference(_maps.Count, name, MapFile.Read(path, name));
            _maps.Add((path, read));
            return read;
        }
    }

    /// <summary>The map <paramref name="identifier"/> names: <c>#ID</c>, or its file as written, or null.</summary>
    public MapReference? Find(string identifier)
    {
        lock (_lock)
        {
            if (identifier.StartsWith('#'))
            {
                return int.TryParse(identifier.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id)
                    && id < _maps.Count ? _maps[id].Map : null;
            }
            return _maps.FirstOrDefault(m => m.Map.Name == identifier || m.Path == identifier).Map;
        }
    }
}
