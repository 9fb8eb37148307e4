namespace ActorProxy.Runtime.Stick;

/// <summary>A configuration's stick tables, by name (each its proxy's).</summary>
public sealed class StickTables
{
    private readonly Dictionary<string, StickTable> _byName = new(StringComparer.Ordinal);

    /// <summary>Every table, the last added first, as HAProxy lists its tables (each new one goes
    /// first in stktables_list): a configuration's frontends, then its backends, each in the order written, backwards.</summary>
    public IReadOnlyList<StickTable> All => [.. _byName.Values.Reverse()];

    /// <summary>The table called <paramref name="name"/>, or null.</summary>
    public StickTable? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Adds a table; a name may have one. A backend's table says so with
    /// <paramref name="inFrontend"/> false.</summary>
    public StickTable Add(StickTableSettings settings, TimeProvider time, bool inFrontend = true)
    {
        var table = new StickTable(settings, time) { InFrontend = inFrontend };
        _byName.Add(settings.Name, table);
        return table;
    }
}
