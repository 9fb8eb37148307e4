using ActorProxy.Runtime.Samples;

namespace ActorProxy.Actors.Admin;

/// <summary>HAProxy's runtime ACL commands (management.txt 9.3): <c>show acl [ACL]</c>,
/// <c>get acl</c>, <c>add acl</c>, <c>del acl</c>, <c>clear acl</c>, with its answers. An ACL is named by its file
/// as the configuration wrote it or by <c>#ID</c> (an expression's own patterns have only their
/// number); a pattern by itself or its <c>#0x…</c> reference.</summary>
internal static class AclCommands
{
    private const string UnknownAcl = "Unknown ACL identifier. Please use #<id> or <file>.\n";

    /// <summary>True for the words of an ACL command.</summary>
    public static bool Handles(string[] words) => words is [("show" or "add" or "del" or "clear" or "get"), "acl", ..];

    /// <summary>Runs the ACL command <paramref name="words"/> on <paramref name="references"/>.</summary>
    public static AdminReply Run(MapReferences references, string[] words)
    {
        if (words is ["show", "acl"])
        {
            return new AdminReply(true, PatternListing.Of(references, PatternUsers.Acl));
        }
        if (words[0] == "get")
        {
            return PatternLookup.Run(references, words, asMap: false);
        }
        // HAProxy checks the parameters before it looks the ACL up.
        if (words.Length < 3 || (words.Length < 4 && words[0] is "add" or "del"))
        {
            return new AdminReply(false, words[0] switch
            {
                "add" => "'add acl' expects two parameters: ACL identifier and pattern.\n",
                "del" => "This command expects two parameters: ACL identifier and key.\n",
                _ => $"'{words[0]} acl' expects an ACL identifier (#<id> or <file>, see show acl).\n",
            });
        }
        if (references.Find(words[2]) is not { } found || !found.Users.HasFlag(PatternUsers.Acl))
        {
            return new AdminReply(false, UnknownAcl);
        }
        return words switch
        {
            // A map's entries show their values too (HAProxy prints an entry's sample when it has one).
            ["show", "acl", _] => new AdminReply(true, string.Concat(found.Entries.Select(e => found.Users.HasFlag(PatternUsers.Map)
                ? $"{MapReference.Reference(e)} {e.Key} {e.Value}\n"
                : $"{MapReference.Reference(e)} {e.Key}\n"))),
            // HAProxy's CLI ends the parser's reason with a period.
            ["add", "acl", _, var pattern, ..] => found.AddPattern(pattern) is { } refusal
                ? new AdminReply(false, refusal.EndsWith('.') ? refusal + "\n" : refusal + ".\n")
                : new AdminReply(true, ""),
            ["del", "acl", _, var key, ..] => found.Delete(key) ? new AdminReply(true, "") : new AdminReply(false, "Key not found.\n"),
            _ => Clear(found),
        };
    }

    private static AdminReply Clear(MapReference reference)
    {
        reference.Clear();
        return new AdminReply(true, "");
    }
}
