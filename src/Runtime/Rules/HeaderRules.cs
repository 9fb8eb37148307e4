using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary><c>set-header NAME FMT</c> and <c>add-header NAME FMT</c> on the request or the response.</summary>
public sealed class HeaderRule(bool set, bool response, string name, LogFormat value) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        var headers = response ? exchange.ResponseHeaders : exchange.RequestHeaders;
        string text = value.Render(exchange, lua);
        if (set)
        {
            headers.Set(name, text);
        }
        else
        {
            headers.Add(name, text);
        }
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SampleExpression> Samples() => SamplesOf(value);
}

/// <summary><c>del-header NAME [-m str|beg|end|sub|reg]</c>: names compared without case
/// (<c>reg</c> sees them in lower case, as HAProxy's HTX holds them).</summary>
public sealed class DeleteHeaderRule(bool response, Func<string, bool> matches) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        (response ? exchange.ResponseHeaders : exchange.RequestHeaders).RemoveWhere(matches);
        return RuleOutcome.Continue;
    }
}

/// <summary><c>replace-header NAME REGEX FMT</c> (each whole line) and <c>replace-value NAME
/// REGEX FMT</c> (each comma-separated value): a value the regex matches is replaced, whole, by
/// the format with <c>\1</c>… back-references.</summary>
public sealed class ReplaceHeaderRule(bool values, bool response, string name, System.Text.RegularExpressions.Regex pattern, LogFormat replacement) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        var headers = response ? exchange.ResponseHeaders : exchange.RequestHeaders;
        string template = replacement.Render(exchange, lua);
        Func<string, string?> replace = value => RegexReplacement.ReplaceWhole(pattern, value, template);
        if (values)
        {
            headers.ReplaceValues(name, replace);
        }
        else
        {
            headers.ReplaceLines(name, replace);
        }
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SampleExpression> Samples() => SamplesOf(replacement);
}
