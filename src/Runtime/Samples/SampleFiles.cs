namespace ActorProxy.Runtime.Samples;

/// <summary>Where the files and tables a sample reads come from while a configuration is read: the
/// folder relative names start from, the configuration's maps, each file read once, and its stick
/// tables with the proxy whose table is the default.</summary>
/// <param name="BaseDirectory">The configuration's folder.</param>
/// <param name="Maps">The configuration's maps.</param>
public sealed record SampleFiles(string BaseDirectory, MapReferences Maps)
{
    /// <summary>The configuration's stick tables.</summary>
    public Stick.StickTables Tables { get; init; } = new();

    /// <summary>The proxy whose rules are read: its table is the one a fetch names none.</summary>
    public string? Proxy { get; init; }

    /// <summary>Relative to the current folder, with maps of their own (tests, Lua's samples).</summary>
    public static SampleFiles Current() => new(Environment.CurrentDirectory, new MapReferences());

    /// <summary>The table called <paramref name="name"/>, or <see cref="Proxy"/>'s for null.</summary>
    /// <exception cref="SampleSyntaxException">There is none.</exception>
    public Stick.StickTable Table(string? name)
    {
        string? wanted = name ?? Proxy;
        if (wanted is null)
        {
            throw new SampleSyntaxException("no stick table named, and no proxy to take one from");
        }
        return Tables.Find(wanted) ?? throw new SampleSyntaxException(name is null
            ? $"proxy '{wanted}' has no stick-table (name one with a table argument)"
            : $"unable to find table '{wanted}' (no proxy of that name has a stick-table)");
    }
}
