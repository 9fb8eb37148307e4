using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary><c>add-acl(FILE) KEY</c> and <c>del-acl(FILE) KEY</c> (HAProxy's
/// <c>http_action_set_map</c>): the key is a format; add-acl adds it to the file's patterns unless
/// they hold it already, del-acl removes it. The file is looked up by its name, as the
/// configuration wrote it, when the rule runs: with no such file, as with a pattern an ACL of it
/// cannot parse, the rule changes nothing, as HAProxy's.</summary>
public sealed class AclFileRule(MapReferences references, string file, LogFormat key, bool add) : HttpRule
{
    /// <summary>Adds <paramref name="pattern"/> to <paramref name="patterns"/> unless it is there
    /// (HAProxy's <c>pat_ref_find_elt</c>, then <c>pat_ref_add</c>).</summary>
    public static void Add(MapReference patterns, string pattern) => patterns.AddPattern(pattern, unlessPresent: true);

    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        if (references.Find(file) is { } patterns)
        {
            string pattern = key.Render(exchange, lua);
            if (add)
            {
                Add(patterns, pattern);
            }
            else
            {
                patterns.Delete(pattern);
            }
        }
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SampleExpression> Samples() => SamplesOf(key);
}
