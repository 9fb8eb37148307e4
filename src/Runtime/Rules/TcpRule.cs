using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>What a <see cref="TcpRule"/> does.</summary>
public enum TcpRuleAction
{
    /// <summary><c>connection reject</c> / <c>content reject</c>: close the connection.</summary>
    Reject,

    /// <summary><c>content accept</c> / <c>connection accept</c>: stop evaluating, relay.</summary>
    Accept,

    /// <summary><c>content use-service lua.NAME</c>: a Lua service serves the connection.</summary>
    UseService,

    /// <summary><c>content lua.NAME [args…]</c>: a Lua action (registered for <c>tcp-req</c>) runs, then the next rule.</summary>
    LuaAction,

    /// <summary><c>connection|content track-sc0|1|2 KEY [table T]</c>: the session tracks the key's stick table entry, then the next rule.</summary>
    Track,
}

/// <summary>
/// One <c>tcp-request</c> rule: <c>connection reject|accept</c> or <c>content
/// reject|accept|use-service lua.NAME</c>, with an optional condition on built-in samples
/// (<c>src</c>, <c>src_port</c>, <c>fe_name</c>).
/// </summary>
public sealed class TcpRule
{
    private TcpRule(string text, TcpRuleAction action, string? name, RuleCondition? condition, IReadOnlyList<string>? arguments = null)
    {
        Text = text;
        Action = action;
        Service = name;
        Condition = condition;
        Arguments = arguments ?? [];
    }

    /// <summary>The rule as written.</summary>
    public string Text { get; }

    /// <summary>What it does.</summary>
    public TcpRuleAction Action { get; }

    /// <summary>For <see cref="TcpRuleAction.UseService"/> and <see cref="TcpRuleAction.LuaAction"/>,
    /// the Lua function's name without <c>lua.</c>.</summary>
    public string? Service { get; }

    /// <summary>For <see cref="TcpRuleAction.LuaAction"/>, the action's arguments.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The condition, or null for always.</summary>
    public RuleCondition? Condition { get; }

    /// <summary>For <see cref="TcpRuleAction.Track"/>: the counter, the key's sample and the table.</summary>
    public (int Slot, SampleExpression Key, Stick.StickTable Table)? Track { get; private init; }

    /// <summary>True for a <c>tcp-request connection</c> rule, which HAProxy runs before the
    /// session exists: a connection it rejects is not logged.</summary>
    public bool OnConnection => Text.TrimStart().StartsWith("connection", StringComparison.Ordinal);

    /// <summary>True when the rule applies to a connection from <paramref name="connection"/>.</summary>
    public bool Applies(HttpExchange connection) => Test(connection) == AclResult.Pass;

    /// <summary>Whether the rule applies, or (<see cref="AclResult.Miss"/>) cannot tell before more of the connection's data arrives.</summary>
    public AclResult Test(HttpExchange connection) => Condition?.Test(connection, null) ?? AclResult.Pass;

    /// <summary>Parses the text that follows <c>tcp-request</c> with only the predefined ACLs.</summary>
    /// <exception cref="SampleSyntaxException">The rule does not parse.</exception>
    public static TcpRule Parse(string text) => Parse(text, RuleContext.Default);

    /// <summary>Parses the text that follows <c>tcp-request</c>.</summary>
    /// <exception cref="SampleSyntaxException">The rule does not parse.</exception>
    public static TcpRule Parse(string text, RuleContext context)
    {
        var (words, condition) = HttpRuleParser.SplitCondition(text, context);
        if (condition is not null && condition.Acls.Any(acl => acl.Sample.LuaNames().Any()))
        {
            throw new SampleSyntaxException("Lua fetches in tcp-request conditions are not supported yet; use src, src_port or fe_name");
        }
        if (condition is not null && condition.Acls.FirstOrDefault(acl => acl.Sample.Direction != SampleDirection.Any) is { } http)
        {
            throw new SampleSyntaxException($"'{http.Sample.Fetch.Name}' reads HTTP, which a tcp-request rule does not see");
        }
        string[] w = [.. words.Select(t => t.Text)];
        if (w is ["connection", ..] && condition?.Acls.FirstOrDefault(acl => acl.Sample.Fetch.BuiltInFetch?.ReadsContent == true) is { } content)
        {
            // HAProxy's words: the contents are not there yet when connection rules run.
            throw new SampleSyntaxException($"fetch method '{content.Sample.Fetch.Name}' extracts information from 'request contents', none of which is available here; use 'tcp-request content' with 'tcp-request inspect-delay'");
        }
        return w switch
        {
            ["connection" or "content", "reject"] => new TcpRule(text, TcpRuleAction.Reject, null, condition),
            ["connection" or "content", "accept"] => new TcpRule(text, TcpRuleAction.Accept, null, condition),
            ["content", "use-service", var service] when service.StartsWith("lua.", StringComparison.Ordinal) && service.Length > 4 =>
                new TcpRule(text, TcpRuleAction.UseService, service[4..], condition),
            ["content", "use-service", var service] => throw new SampleSyntaxException($"use-service: '{service}' is not a Lua service; expected lua.NAME"),
            ["connection" or "content", "track-sc0" or "track-sc1" or "track-sc2", ..] => ParseTrack(text, w, condition, context),
            ["content", var action, ..] when action.StartsWith("lua.", StringComparison.Ordinal) && action.Length > 4 =>
                new TcpRule(text, TcpRuleAction.LuaAction, action[4..], condition, w[2..]),
            _ => throw new SampleSyntaxException("expected 'connection reject|accept|track-sc0|1|2' or 'content reject|accept|track-sc0|1|2|use-service lua.NAME'"),
        };
    }

    // track-scN KEY [table T], as in HTTP rules; the key reads what a TCP rule sees.
    private static TcpRule ParseTrack(string text, string[] words, RuleCondition? condition, RuleContext context)
    {
        string keyword = words[1];
        if (words.Length < 3)
        {
            throw new SampleSyntaxException($"{keyword}: missing a sample expression");
        }
        var key = SampleExpression.Parse(words[2], context.Files);
        if (key.Direction != SampleDirection.Any || key.LuaNames().Any())
        {
            throw new SampleSyntaxException($"{keyword}: '{words[2]}' reads HTTP or calls Lua, which a tcp-request rule does not see");
        }
        string? table = words switch
        {
            [_, _, _] => null,
            [_, _, _, "table", var name] => name,
            _ => throw new SampleSyntaxException($"{keyword}: unexpected '{words[3]}'; expected 'table <table>'"),
        };
        return new TcpRule(text, TcpRuleAction.Track, null, condition) { Track = (keyword[^1] - '0', key, context.Table(table, keyword)) };
    }
}
