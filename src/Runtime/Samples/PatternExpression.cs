using System.Net;
using System.Net.Sockets;
using ActorProxy.Runtime.Rules;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// One way the patterns of a reference are matched (HAProxy's <c>pattern_expr</c>): a match
/// method and its flags, for ACLs or for the maps of one output type. Uses that HAProxy's
/// pattern_new_expr would share (the same parsing and indexing of patterns, the same flags) are
/// one expression, the first use's. <c>get map</c> and <c>get acl</c> report a value's match on
/// each, one line each.
/// </summary>
/// <param name="Method">The match method.</param>
/// <param name="IgnoreCase">True for <c>-i</c>.</param>
/// <param name="NoResolve">True for <c>-n</c>.</param>
/// <param name="MapOutput">A map's output type; null for an ACL's patterns.</param>
public sealed record PatternExpression(AclMatchMethod Method, bool IgnoreCase, bool NoResolve, SampleType? MapOutput)
{
    /// <summary>True when HAProxy would make the two one expression: the same pat_parse_fcts and
    /// pat_index_fcts, the same sample parser (a map's output, none for an ACL), the same flags.</summary>
    public bool SharedWith(PatternExpression other) =>
        Family(Method) == Family(other.Method) && IgnoreCase == other.IgnoreCase && NoResolve == other.NoResolve && MapOutput == other.MapOutput;

    /// <summary>The line <c>get map</c> (<paramref name="asMap"/>) or <c>get acl</c> writes for
    /// <paramref name="value"/> over <paramref name="entries"/> (cli_io_handler_map_lookup).</summary>
    public string Describe(IReadOnlyList<MapEntry> entries, string value, bool asMap)
    {
        string line = $"type={Name(Method)}, case={(IgnoreCase ? "insensitive" : "sensitive")}";
        if (!Match(entries, value, out var entry))
        {
            return line + (asMap ? ", found=no\n" : ", match=no\n");
        }
        line += asMap ? ", found=yes" : ", match=yes";
        // pat_idx_tree_str and pat_idx_tree_pfx index case-sensitive patterns in a tree, the
        // others in a list; pat_idx_tree_ip puts every network in a tree.
        bool tree = entry is not null && (Method == AclMatchMethod.Ip || (Method is AclMatchMethod.Str or AclMatchMethod.Beg && !IgnoreCase));
        line += tree ? ", idx=tree" : ", idx=list";
        if (!asMap)
        {
            return line + (entry is null ? ", pattern=unknown\n" : $", pattern=\"{entry.Key}\"\n");
        }
        line += entry is null ? ", key=unknown" : $", key=\"{entry.Key}\"";
        return line + (entry is not null && MapOutput is { } output
            ? $", value=\"{entry.Value}\", type=\"{TypeName(entry.Value, output)}\"\n"
            : ", value=none\n");
    }

    // The entry whose key matches; found and bool have no patterns, and match (or not) as
    // HAProxy's static pattern does, with no entry.
    private bool Match(IReadOnlyList<MapEntry> entries, string value, out MapEntry? entry)
    {
        entry = null;
        if (Method is AclMatchMethod.Found or AclMatchMethod.Bool)
        {
            return new AclPatterns(Method, IgnoreCase, noResolve: true, []).Matches(value);
        }
        int index = new AclPatterns(Method, IgnoreCase, noResolve: true, entries.Select(e => e.Key)).IndexOfMatch(value);
        entry = index >= 0 ? entries[index] : null;
        return entry is not null;
    }

    private static int Family(AclMatchMethod method) => method switch
    {
        AclMatchMethod.Found or AclMatchMethod.Bool => 0,
        AclMatchMethod.Number or AclMatchMethod.Len => 1,
        AclMatchMethod.Ip => 2,
        AclMatchMethod.Bin => 3,
        AclMatchMethod.Str => 4,
        AclMatchMethod.Beg => 5,
        AclMatchMethod.Reg => 7,
        _ => 6,
    };

    /// <summary>HAProxy's name of a match method (pat_match_names).</summary>
    public static string Name(AclMatchMethod method) => method switch
    {
        AclMatchMethod.Number => "int",
        _ => method.ToString().ToLowerInvariant(),
    };

    // smp_to_type of the value a map gives.
    private static string TypeName(string value, SampleType output) => output switch
    {
        SampleType.SInt => "sint",
        SampleType.Ip => IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4",
        _ => "str",
    };
}
