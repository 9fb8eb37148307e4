using ActorProxy.Runtime.Samples;

namespace ActorProxy.Actors.Admin;

/// <summary>HAProxy's runtime map commands (management.txt 9.3): <c>show map [MAP]</c>,
/// <c>get map</c>, <c>add map</c>, <c>set map</c>, <c>del map</c>, <c>clear map</c>, with its answers. A map is
/// named by its file as the configuration wrote it or by <c>#ID</c>; an entry by its key or its
/// <c>#0x…</c> reference.</summary>
internal static class MapCommands
{
    private const string UnknownMap = "Unknown map identifier. Please use #<id> or <file>.\n";

    /// <summary>True for the words of a map command.</summary>
    public static bool Handles(string[] words) => words is [("show" or "add" or "set" or "del" or "clear" or "get"), "map", ..];

    /// <summary>Runs the map command <paramref name="words"/> on <paramref name="maps"/>, with the
    /// command's <paramref name="payload"/> if it had one.</summary>
    public static AdminReply Run(MapReferences maps, string[] words, string? payload = null)
    {
        if (words is ["show", "map"])
        {
            return new AdminReply(true, PatternListing.Of(maps, PatternUsers.Map));
        }
        if (words[0] == "get")
        {
            return PatternLookup.Run(maps, words, asMap: true);
        }
        if (words.Length < 3)
        {
            return new AdminReply(false, $"'{words[0]} map' expects a map identifier (#<id> or <file>, see show map).\n");
        }
        if (maps.Find(words[2]) is not { } found || !found.Users.HasFlag(PatternUsers.Map))
        {
            return new AdminReply(false, UnknownMap);
        }
        return words switch
        {
            ["show", "map", _] => new AdminReply(true, string.Concat(found.Entries.Select(e => $"{MapReference.Reference(e)} {e.Key} {e.Value}\n"))),
            ["add", "map", _] when payload is not null => AddAll(found, payload),
            ["add", "map", _, var key, var value, ..] => Answer(found.Add(key, value)),
            ["add", "map", ..] => new AdminReply(false, "'add map' expects three parameters (map identifier, key and value) or one parameter (map identifier) and a payload\n"),
            ["set", "map", _, var key, var value, ..] => found.Set(key, value, out string? refusal)
                ? Answer(refusal)
                : new AdminReply(false, "entry not found.\n"),
            ["set", "map", ..] => new AdminReply(false, "'set map' expects three parameters: map identifier, key and value.\n"),
            ["del", "map", _, var key, ..] => found.Delete(key) ? new AdminReply(true, "") : new AdminReply(false, "Key not found.\n"),
            ["del", "map", ..] => new AdminReply(false, "This command expects two parameters: map identifier and key.\n"),
            ["clear", "map", _, ..] => Clear(found),
            _ => new AdminReply(false, UnknownMap),
        };
    }

    // cli_parse_add_map with a payload: one key and value per line (the key up to a space or a
    // tab, the value the rest), each added in turn until one is refused; those before stay.
    private static AdminReply AddAll(MapReference map, string payload)
    {
        if (payload.Length == 0)
        {
            // HAProxy reads the empty payload's line end as a key without a value.
            return new AdminReply(false, "Missing value for key '\n'.\n");
        }
        foreach (string line in payload.Split('\n'))
        {
            int end = line.IndexOfAny([' ', '\t']);
            if (end < 0)
            {
                return new AdminReply(false, $"Missing value for key '{line}'.\n");
            }
            if (map.Add(line[..end], line[(end + 1)..].TrimStart(' ', '\t')) is { } refusal)
            {
                return new AdminReply(false, refusal + ".\n");
            }
        }
        return new AdminReply(true, "");
    }

    private static AdminReply Clear(MapReference map)
    {
        map.Clear();
        return new AdminReply(true, "");
    }

    // cli_dynerr's "%s.\n".
    private static AdminReply Answer(string? refusal) => refusal is null ? new AdminReply(true, "") : new AdminReply(false, refusal + ".\n");
}
