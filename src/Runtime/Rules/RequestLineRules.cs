using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>Which part of the request line a rule rewrites.</summary>
public enum RequestLinePart
{
    /// <summary>The path, without the query.</summary>
    Path,

    /// <summary>The query string, without its '?'.</summary>
    Query,

    /// <summary>The method.</summary>
    Method,

    /// <summary>The whole URI as on the request line.</summary>
    Uri,
}

/// <summary><c>set-path</c>, <c>set-query</c>, <c>set-method</c>, <c>set-uri</c>: the part becomes the format's text.</summary>
public sealed class RequestLineRule(RequestLinePart part, LogFormat value) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        exchange.SetRequestLinePart(part, value.Render(exchange, lua));
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SampleExpression> Samples() => SamplesOf(value);
}

/// <summary><c>replace-path REGEX FMT</c> and <c>replace-uri REGEX FMT</c>: when the regex matches
/// the part, the whole part becomes the format with back-references.</summary>
public sealed class ReplaceRequestLineRule(RequestLinePart part, System.Text.RegularExpressions.Regex pattern, LogFormat replacement) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        string current = part == RequestLinePart.Path ? exchange.Path : exchange.Url;
        if (RegexReplacement.ReplaceWhole(pattern, current, replacement.Render(exchange, lua)) is { } replaced)
        {
            exchange.SetRequestLinePart(part, replaced);
        }
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SampleExpression> Samples() => SamplesOf(replacement);
}
