using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// The patterns of a <see cref="MapReference"/> as one ACL expression matches them: its entries'
/// keys parsed for the expression's method and flags, parsed again at the first match after a
/// change (<c>add acl</c>, <c>del acl</c>, <c>add-acl</c>…). From the start, a pattern the method
/// cannot parse is refused for the whole reference.
/// </summary>
internal sealed class AclReferencePatterns
{
    private readonly MapReference _reference;
    private readonly AclMatchMethod _method;
    private readonly bool _ignoreCase;
    private readonly bool _noResolve;
    private volatile Compiled _compiled;

    private AclReferencePatterns(MapReference reference, AclMatchMethod method, bool ignoreCase, bool noResolve)
    {
        _reference = reference;
        _method = method;
        _ignoreCase = ignoreCase;
        _noResolve = noResolve;
        _compiled = Compile();
    }

    /// <summary>The patterns of <paramref name="reference"/> for one expression.</summary>
    /// <exception cref="SampleSyntaxException">A pattern is not valid for the method; the message
    /// names the file and the line.</exception>
    public static AclReferencePatterns Over(MapReference reference, AclMatchMethod method, bool ignoreCase, bool noResolve)
    {
        AclReferencePatterns patterns;
        try
        {
            patterns = new AclReferencePatterns(reference, method, ignoreCase, noResolve);
        }
        catch (SampleSyntaxException e) when (reference.Description is null)
        {
            int line = reference.Entries.FirstOrDefault(entry => Refusal(entry.Key, method, noResolve) is not null)?.Line ?? 0;
            throw new SampleSyntaxException($"pattern file '{reference.Name}' line {line}: {e.Message}");
        }
        // What the runtime adds is never resolved (HAProxy's CLI parses with PAT_MF_NO_DNS).
        reference.AddCheck((key, _) => Refusal(key, method, noResolve: true));
        reference.UsedAs(new PatternExpression(method, ignoreCase, noResolve, MapOutput: null));
        return patterns;
    }

    /// <summary>True when <paramref name="sample"/> matches one of the patterns now.</summary>
    public bool Matches(object sample)
    {
        var compiled = _compiled;
        if (compiled.Revision != _reference.Revision)
        {
            _compiled = compiled = Compile();
        }
        return compiled.Patterns.Matches(sample);
    }

    // The revision is read before the entries: entries newer than it are parsed again next time.
    private Compiled Compile()
    {
        long revision = _reference.Revision;
        return new Compiled(revision, new AclPatterns(_method, _ignoreCase, _noResolve, _reference.Entries.Select(e => e.Key)));
    }

    private static string? Refusal(string pattern, AclMatchMethod method, bool noResolve)
    {
        try
        {
            _ = new AclPatterns(method, ignoreCase: false, noResolve, [pattern]);
            return null;
        }
        catch (SampleSyntaxException e)
        {
            return e.Message;
        }
    }

    private sealed record Compiled(long Revision, AclPatterns Patterns);
}
