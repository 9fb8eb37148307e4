using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;
using ActorProxy.Runtime.Stick;

namespace ActorProxy.Runtime.Rules;

/// <summary><c>sc-inc-gpc0(N)</c>, <c>sc-inc-gpc1(N)</c> and <c>sc-set-gpt0(N) VALUE</c>: the
/// counter's tracked entry (the stream's, else its session's) gets one more in gpc0 or gpc1 and
/// their rates, or its gpt0 set to an integer or an expression's value; with nothing tracked,
/// nothing happens.</summary>
public sealed class StickCounterRule(int slot, StickDataType counter, SampleExpression? value, long constant) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        if (exchange.Tracked?.Get(slot) is not var (table, entry) || entry.Dropped)
        {
            return RuleOutcome.Continue;
        }
        long now = table.Now;
        switch (counter)
        {
            case StickDataType.Gpt0:
                long? set = value is null ? constant : value.Evaluate(exchange, lua) is { } sample ? SampleValue.ToLong(sample) : null;
                if (set is { } number)
                {
                    entry.Set(StickDataType.Gpt0, number, now);
                }
                break;
            case StickDataType.Gpc0:
                entry.Add(StickDataType.Gpc0, StickDataType.Gpc0Rate, 1, now);
                break;
            default:
                entry.Add(StickDataType.Gpc1, StickDataType.Gpc1Rate, 1, now);
                break;
        }
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SampleExpression> Samples() => value is null ? [] : [value];
}
