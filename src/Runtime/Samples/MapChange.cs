namespace ActorProxy.Runtime.Samples;

/// <summary>What a change does to a pattern reference's entries.</summary>
public enum MapChangeKind
{
    /// <summary>An entry at the end (<c>add map</c>, <c>add acl</c>).</summary>
    Add,

    /// <summary>An entry at the end unless one has the key (<c>add-acl</c>).</summary>
    AddUnlessPresent,

    /// <summary>The value of every entry of the key, or of the entry <c>#0x…</c> names (<c>set map</c>).</summary>
    Set,

    /// <summary>The value of every entry of the key, or an entry at the end when none has it (<c>set-map</c>).</summary>
    SetOrAdd,

    /// <summary>Every entry of the key, or the entry <c>#0x…</c> names, removed (<c>del map</c>).</summary>
    Delete,

    /// <summary>Every entry removed (<c>clear map</c>).</summary>
    Clear,
}

/// <summary>
/// One change of a map or ACL file's entries, as it travels to every node of a cluster: applied
/// in one order everywhere, it leaves every node's entries alike. An entry it makes carries its
/// id, so that <c>#0x…</c> names the same entry on every node.
/// </summary>
/// <param name="Kind">What it does.</param>
/// <param name="Key">The key, pattern or <c>#0x…</c> reference.</param>
/// <param name="Value">The value (empty for an ACL's pattern).</param>
/// <param name="EntryId">The id of the entry it makes, if it makes one.</param>
public sealed record MapChange(MapChangeKind Kind, string Key, string Value, long EntryId)
{
    /// <summary>The entries after the change.</summary>
    public MapEntry[] ApplyTo(MapEntry[] entries) => Kind switch
    {
        // Applied twice (a change sent again after the cluster's sequencer moved), it makes one entry.
        MapChangeKind.Add when entries.Any(e => e.Id == EntryId) => entries,
        MapChangeKind.Add => [.. entries, new MapEntry(EntryId, Key, Value, 0)],
        MapChangeKind.AddUnlessPresent => entries.Any(e => e.Key == Key) ? entries : [.. entries, new MapEntry(EntryId, Key, Value, 0)],
        MapChangeKind.Set => [.. entries.Select(e => Names(e) ? e with { Value = Value } : e)],
        MapChangeKind.SetOrAdd => entries.Any(e => e.Key == Key)
            ? [.. entries.Select(e => e.Key == Key ? e with { Value = Value } : e)]
            : [.. entries, new MapEntry(EntryId, Key, Value, 0)],
        MapChangeKind.Delete => [.. entries.Where(e => !Names(e))],
        _ => [],
    };

    /// <summary>True when the change's key names <paramref name="entry"/>: its key, or its <c>#0x…</c> reference.</summary>
    public bool Names(MapEntry entry) =>
        Key.StartsWith("#0x", StringComparison.Ordinal) ? Key[1..] == MapReference.Reference(entry) : entry.Key == Key;
}
