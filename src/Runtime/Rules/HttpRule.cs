using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>What to do after a rule ran.</summary>
public enum RuleOutcome
{
    /// <summary>Go on with the next rule.</summary>
    Continue,

    /// <summary>The transaction has its answer (<c>deny</c>, <c>return</c>, <c>use-service</c>): stop.</summary>
    Stop,

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
    public virtual IEnumerable<(Lua.LuaFunctionKind Kind, string Name)> LuaFunctions() =>
        Condition?.LuaFunctions() ?? [];

    /// <summary>The action itself.</summary>
    protected abstract RuleOutcome Execute(HttpExchange exchange, ILuaActions lua);

    /// <summary>Maps a sample's Lua name to its registry kind.</summary>
    internal static (Lua.LuaFunctionKind, string) SampleKind((string Name, bool IsFetch) use) =>
        (use.IsFetch ? Lua.LuaFunctionKind.SampleFetch : Lua.LuaFunctionKind.Converter, use.Name);
}

/// <summary><c>lua.NAME [args…]</c></summary>
public sealed class LuaActionRule(string name, IReadOnlyList<string> arguments) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        exchange.Suspension = lua.RunAction(name, exchange, arguments);
        return exchange.Suspension is null ? RuleOutcome.Continue : RuleOutcome.Suspended;
    }

    /// <inheritdoc/>
    public override IEnumerable<(Lua.LuaFunctionKind, string)> LuaFunctions() =>
        base.LuaFunctions().Append((Lua.LuaFunctionKind.Action, name));
}

/// <summary><c>use-service lua.NAME</c></summary>
public sealed class UseServiceRule(string name) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        exchange.Suspension = lua.RunService(name, exchange);
        return exchange.Suspension is null ? RuleOutcome.Stop : RuleOutcome.Suspended;
    }

    /// <inheritdoc/>
    public override IEnumerable<(Lua.LuaFunctionKind, string)> LuaFunctions() =>
        base.LuaFunctions().Append((Lua.LuaFunctionKind.Service, name));
}

/// <summary><c>set-header</c>, <c>add-header</c>, <c>del-header</c> on the request or the response.</summary>
public sealed class HeaderRule(HeaderRule.Operation operation, bool response, string name, LogFormat? value) : HttpRule
{
    /// <summary>Which header action.</summary>
    public enum Operation
    {
        /// <summary><c>set-header</c></summary>
        Set,

        /// <summary><c>add-header</c></summary>
        Add,

        /// <summary><c>del-header</c></summary>
        Delete,
    }

    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        var headers = response ? exchange.ResponseHeaders : exchange.RequestHeaders;
        switch (operation)
        {
            case Operation.Set:
                headers.Set(name, value!.Render(exchange, lua));
                break;
            case Operation.Add:
                headers.Add(name, value!.Render(exchange, lua));
                break;
            default:
                headers.Remove(name);
                break;
        }
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    public override IEnumerable<(Lua.LuaFunctionKind, string)> LuaFunctions() =>
        base.LuaFunctions().Concat((value?.Samples.SelectMany(s => s.LuaNames()) ?? []).Select(SampleKind));
}

/// <summary><c>set-path</c>, <c>set-query</c>, <c>set-method</c></summary>
public sealed class RequestLineRule(RequestLineRule.Part part, LogFormat value) : HttpRule
{
    /// <summary>Which part of the request line.</summary>
    public enum Part
    {
        /// <summary><c>set-path</c></summary>
        Path,

        /// <summary><c>set-query</c></summary>
        Query,

        /// <summary><c>set-method</c></summary>
        Method,
    }

    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        string text = value.Render(exchange, lua);
        switch (part)
        {
            case Part.Path:
                exchange.Path = text;
                break;
            case Part.Query:
                exchange.Query = text;
                break;
            default:
                exchange.Method = text;
                break;
        }
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    public override IEnumerable<(Lua.LuaFunctionKind, string)> LuaFunctions() =>
        base.LuaFunctions().Concat(value.Samples.SelectMany(s => s.LuaNames()).Select(SampleKind));
}

/// <summary><c>set-var(NAME) EXPR</c> and <c>unset-var(NAME)</c></summary>
public sealed class VariableRule(string variable, SampleExpression? value) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        if (value?.Evaluate(exchange, lua) is { } sample)
        {
            exchange.Variables[variable] = sample;
        }
        else
        {
            exchange.Variables.Remove(variable);
        }
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    public override IEnumerable<(Lua.LuaFunctionKind, string)> LuaFunctions() =>
        base.LuaFunctions().Concat((value?.LuaNames() ?? []).Select(SampleKind));
}

/// <summary><c>deny [status N]</c> and <c>return [status N] [content-type T] [string S | lf-string FMT]</c></summary>
public sealed class ReplyRule(int status, string? contentType, LogFormat? body) : HttpRule
{
    /// <summary>True for <c>deny</c>: the answer is HAProxy's error page for the status.</summary>
    public bool ErrorPage { get; init; }

    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        if (ErrorPage)
        {
            exchange.Reply = HttpReply.ErrorPage(status);
            return RuleOutcome.Stop;
        }
        var reply = new HttpReply(status);
        if (body is not null)
        {
            reply.Headers.Set("content-type", contentType ?? "text/plain");
            reply.Body.Write(System.Text.Encoding.UTF8.GetBytes(body.Render(exchange, lua)));
        }
        exchange.Reply = reply;
        return RuleOutcome.Stop;
    }

    /// <inheritdoc/>
    public override IEnumerable<(Lua.LuaFunctionKind, string)> LuaFunctions() =>
        base.LuaFunctions().Concat((body?.Samples.SelectMany(s => s.LuaNames()) ?? []).Select(SampleKind));
}

/// <summary><c>set-status N</c> (responses)</summary>
public sealed class SetStatusRule(int status) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        exchange.Status = status;
        return RuleOutcome.Continue;
    }
}
