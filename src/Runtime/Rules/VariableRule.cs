using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary><c>set-var(NAME) EXPR</c>, <c>set-var-fmt(NAME) FMT</c> and <c>unset-var(NAME)</c>.
/// A sample that is not found leaves the variable as it was, as in HAProxy.</summary>
public sealed class VariableRule : HttpRule
{
    private readonly string _variable;
    private readonly SampleExpression? _expression;
    private readonly LogFormat? _format;

    private VariableRule(string variable, SampleExpression? expression, LogFormat? format)
    {
        _variable = variable;
        _expression = expression;
        _format = format;
    }

    /// <summary><c>set-var(NAME) EXPR</c></summary>
    public static VariableRule Set(string variable, SampleExpression expression, string text) => new(variable, expression, null) { Text = text };

    /// <summary><c>set-var-fmt(NAME) FMT</c></summary>
    public static VariableRule SetFormat(string variable, LogFormat format, string text) => new(variable, null, format) { Text = text };

    /// <summary><c>unset-var(NAME)</c></summary>
    public static VariableRule Unset(string variable, string text) => new(variable, null, null) { Text = text };

    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        if (_format is not null)
        {
            exchange.Variables.Set(_variable, _format.Render(exchange, lua));
        }
        else if (_expression is null)
        {
            exchange.Variables.Unset(_variable);
        }
        else if (_expression.Evaluate(exchange, lua) is { } sample)
        {
            exchange.Variables.Set(_variable, sample);
        }
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SampleExpression> Samples() =>
        _expression is null ? SamplesOf(_format) : [_expression];
}
