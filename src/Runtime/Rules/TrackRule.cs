using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;
using ActorProxy.Runtime.Stick;

namespace ActorProxy.Runtime.Rules;

/// <summary><c>track-sc0|1|2 KEY [table T]</c> (HAProxy's http_action_track_sc): the stream
/// tracks the key's entry in the table, made if needed, unless that counter already tracks one;
/// tracking counts a connection and, in an HTTP rule, a request (and, in a response rule, the
/// response's error or failure).</summary>
public sealed class TrackRule(int slot, SampleExpression key, StickTable table, bool response) : HttpRule
{
    /// <summary>Which counter, 0 to 2.</summary>
    public int Slot => slot;

    /// <summary>The table it tracks in.</summary>
    public StickTable Table => table;

    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        if (exchange.Tracked is not { } tracked || tracked.Own(slot) is not null ||
            key.Evaluate(exchange, lua) is not { } sample || StickKey.FromSample(sample, table.Settings) is not { } text ||
            table.GetOrCreate(text) is not { } entry)
        {
            return RuleOutcome.Continue;
        }
        tracked.Track(slot, table, entry);
        long now = table.Now;
        entry.Add(StickDataType.HttpReqCnt, StickDataType.HttpReqRate, 1, now);
        if (response && exchange.Status is >= 400 and < 500)
        {
            entry.Add(StickDataType.HttpErrCnt, StickDataType.HttpErrRate, 1, now);
        }
        if (response && exchange.Status is >= 500 and < 600 and not 501 and not 505)
        {
            entry.Add(StickDataType.HttpFailCnt, StickDataType.HttpFailRate, 1, now);
        }
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SampleExpression> Samples() => [key];
}
