using System.Text;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Actors.Admin;

/// <summary>HAProxy's <c>get map MAP VALUE</c> and <c>get acl ACL VALUE</c> (cli_parse_get_map):
/// for each way the configuration matches the reference's patterns, whether the value matches,
/// and what (<see cref="PatternExpression.Describe"/>).</summary>
internal static class PatternLookup
{
    /// <summary>Runs <paramref name="words"/> (<c>get map|acl ID VALUE</c>) on <paramref name="references"/>.</summary>
    public static AdminReply Run(MapReferences references, string[] words, bool asMap)
    {
        if (words.Length < 4 || words[2].Length == 0 || words[3].Length == 0)
        {
            return new AdminReply(false, asMap ? "Missing map identifier and/or key.\n" : "Missing ACL identifier and/or key.\n");
        }
        // pat_ref_lookup_ref: any reference, a map's or an ACL's.
        if (references.Find(words[2]) is not { } found)
        {
            return new AdminReply(false, asMap ? "Unknown map identifier. Please use #<id> or <file>.\n" : "Unknown ACL identifier. Please use #<id> or <file>.\n");
        }
        var entries = found.Entries;
        var text = new StringBuilder();
        foreach (var expression in found.Expressions)
        {
            text.Append(expression.Describe(entries, words[3], asMap));
        }
        return new AdminReply(true, text.ToString());
    }
}
