using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>What to do after a rule ran.</summary>
public enum RuleOutcome
{
    /// <summary>Go on with the next rule.</summary>
    Continue,

    /// <summary>The transaction has its answer (<c>deny</c>, <c>return</c>, <c>redirect</c>,
    /// <c>use-service</c>): stop.</summary>
    Stop,

    /// <summary><c>allow</c>: stop evaluating this rule set and go on with the transaction.</summary>
    Allow,

    /// <summary>A Lua action or service yielded: <see cref="HttpExchange.Suspension"/> must be
    /// resumed before the rules go on.</summary>
    Suspended,
}

/// <summary>
/// One <c>http-request</c> or <c>http-response</c> rule: an action with an optional condition.
/// <see cref="HttpRuleParser"/> builds them from HAProxy's syntax.
/// </summary>
public abstract class HttpRule
{
    /// <summary>The rule as written in the configuration.</summary>
    public required string Text { get; init; }

    /// <summary>The condition, or null for always.</summary>
    public RuleCondition? Condition { get; internal set; }

    /// <summary>Runs the rule if its condition holds.</summary>
    public RuleOutcome Run(HttpExchange exchange, ILuaActions lua) =>
        Condition is null || Condition.Holds(exchange, lua) ? Execute(exchange, lua) : RuleOutcome.Continue;

    /// <summary>The <c>lua.*</c> functions the rule uses, for the boot-time check.</summary>
    public IEnumerable<(Lua.LuaFunctionKind Kind, string Name)> LuaFunctions() =>
        (Condition?.LuaFunctions() ?? []).Concat(Samples().SelectMany(s => s.LuaNames()).Select(SampleKind)).Concat(LuaCalls());

    /// <summary>Every sample expression the rule evaluates: its condition's and its action's.</summary>
    public IEnumerable<SampleExpression> SampleExpressions() =>
        (Condition?.Acls.Select(acl => acl.Sample) ?? []).Concat(Samples());

    /// <summary>The action itself.</summary>
    protected abstract RuleOutcome Execute(HttpExchange exchange, ILuaActions lua);

    /// <summary>The sample expressions the action evaluates (in its formats and arguments).</summary>
    protected virtual IEnumerable<SampleExpression> Samples() => [];

    /// <summary>The Lua actions and services the action calls.</summary>
    protected virtual IEnumerable<(Lua.LuaFunctionKind Kind, string Name)> LuaCalls() => [];

    /// <summary>The samples of the formats given, for <see cref="Samples"/>.</summary>
    protected static IEnumerable<SampleExpression> SamplesOf(params LogFormat?[] formats) =>
        formats.SelectMany(format => format?.Samples ?? []);

    /// <summary>Maps a sample's Lua name to its registry kind.</summary>
    internal static (Lua.LuaFunctionKind, string) SampleKind((string Name, bool IsFetch) use) =>
        (use.IsFetch ? Lua.LuaFunctionKind.SampleFetch : Lua.LuaFunctionKind.Converter, use.Name);
}

/// <summary><c>allow</c>: the remaining rules of this set are skipped.</summary>
public sealed class AllowRule : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua) => RuleOutcome.Allow;
}

/// <summary><c>lua.NAME [args…]</c>: a Lua action, whose return value (<c>act.*</c>) decides
/// what happens next, as HAProxy's <c>http_req_get_intercept_rule</c> and its response twin do.</summary>
public sealed class LuaActionRule(bool response, string name, IReadOnlyList<string> arguments) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        exchange.Verdict = ActionVerdict.Continue;
        exchange.Suspension = lua.RunAction(Kind, name, exchange, arguments);
        return exchange.Suspension is null ? Outcome(exchange) : RuleOutcome.Suspended;
    }

    /// <summary>What the rules do once the action is over, from <see cref="HttpExchange.Verdict"/>.</summary>
    public RuleOutcome Outcome(HttpExchange exchange)
    {
        switch (exchange.Verdict)
        {
            case ActionVerdict.Stop:
                return RuleOutcome.Allow;
            case ActionVerdict.Done when exchange.Reply is not null || exchange.CloseWithoutReply:
                exchange.Ended = new Logging.Termination('L', Phase);
                return RuleOutcome.Stop;
            case ActionVerdict.Done:
                return RuleOutcome.Allow;
            case ActionVerdict.Error:
                exchange.Reply = HttpReply.ErrorPage(500);
                exchange.Ended = new Logging.Termination('I', Phase);
                return RuleOutcome.Stop;
            case ActionVerdict.Deny:
                // A response keeps its own status, whose page HAProxy sends (500 when there is none).
                exchange.Reply = HttpReply.ErrorPage(!response ? 403 : HttpReply.HasErrorPage(exchange.Status) ? exchange.Status : 500);
                exchange.Ended = new Logging.Termination('P', Phase);
                return RuleOutcome.Stop;
            case ActionVerdict.Abort when !response:
                exchange.Reply = HttpReply.ErrorPage(503);
                exchange.Ended = new Logging.Termination('P', Phase);
                return RuleOutcome.Stop;
            case ActionVerdict.Abort:
                return RuleOutcome.Allow;
            case ActionVerdict.Invalid:
                exchange.Reply = HttpReply.ErrorPage(response ? 502 : 400);
                exchange.Ended = new Logging.Termination('P', Phase);
                return RuleOutcome.Stop;
            default:
                return RuleOutcome.Continue;
        }
    }

    // Where a stream its verdict ends stopped (sess_fin_state): the request, or the response's headers.
    private char Phase => response ? 'H' : 'R';

    private Lua.LuaFunctionKind Kind => response ? Lua.LuaFunctionKind.HttpResponseAction : Lua.LuaFunctionKind.HttpRequestAction;

    /// <inheritdoc/>
    protected override IEnumerable<(Lua.LuaFunctionKind, string)> LuaCalls() => [(Kind, name)];
}

/// <summary><c>use-service lua.NAME</c></summary>
public sealed class UseServiceRule(string name) : HttpRule
{

    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        exchange.AnsweredByService = true;
        // The applet is the stream's target: %s prints its name, and the stream ends "locally".
        exchange.Server = $"<lua.{name}>";
        exchange.Ended = new Logging.Termination('L', 'R');
        exchange.Suspension = lua.RunService(name, exchange);
        return exchange.Suspension is null ? RuleOutcome.Stop : RuleOutcome.Suspended;
    }

    /// <inheritdoc/>
    protected override IEnumerable<(Lua.LuaFunctionKind, string)> LuaCalls() => [(Lua.LuaFunctionKind.Service, name)];
}

/// <summary><c>use-service prometheus-exporter</c>: HAProxy's own exporter answers with the
/// node's metrics (the pipeline serves it once the rules are over).</summary>
public sealed class UseAppletRule(string applet) : HttpRule
{
    /// <summary>The service's name, as in the rule.</summary>
    public string Applet { get; } = applet;

    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        exchange.Applet = Applet;
        exchange.AnsweredByService = true;
        // As HAProxy logs it: the applet is the target, and the stream ends locally.
        exchange.Server = "<PROMEX>";
        exchange.Ended = new Logging.Termination('L', 'R');
        return RuleOutcome.Stop;
    }
}

/// <summary><c>set-log-level LEVEL|silent</c>: the level of the transaction's access log line,
/// kept as HAProxy keeps it (the level plus one, -1 for silent: no line at all).</summary>
public sealed class SetLogLevelRule(int level) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        exchange.LogLevel = level;
        return RuleOutcome.Continue;
    }
}

/// <summary><c>set-status N [reason R]</c> (responses)</summary>
public sealed class SetStatusRule(int status, string? reason) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        exchange.Status = status;
        exchange.Reason = reason ?? HttpReasons.Of(status);
        return RuleOutcome.Continue;
    }
}
