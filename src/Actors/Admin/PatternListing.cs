using System.Globalization;
using System.Text;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Actors.Admin;

/// <summary>HAProxy's list of pattern references, as <c>show map</c> and <c>show acl</c> print it.</summary>
internal static class PatternListing
{
    /// <summary>HAProxy's listing of the references <paramref name="users"/> use: number, file
    /// and what it is, as <c>show map</c> and <c>show acl</c> print it.</summary>
    public static string Of(MapReferences references, PatternUsers users)
    {
        var list = new StringBuilder("# id (file) description\n");
        foreach (var reference in references.All.Where(r => r.Users.HasFlag(users)))
        {
            string description = reference.Description ?? $"pattern loaded from file '{reference.Name}' used by {UsersOf(reference)}";
            // HAProxy 2.6 counts each entry once per expression that indexes it.
            int count = reference.Entries.Count * Math.Max(1, reference.Expressions.Count);
            list.Append(CultureInfo.InvariantCulture, $"{reference.Id} ({reference.Name}) {description}. curr_ver=0 next_ver=0 entry_cnt={count}\n");
        }
        return list.ToString();
    }

    private static string UsersOf(MapReference reference) =>
        string.Join(", by ", new[] { (PatternUsers.Map, "map"), (PatternUsers.Acl, "acl") }.Where(u => reference.Users.HasFlag(u.Item1)).Select(u => u.Item2));
}
