using System.Globalization;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// Builds <see cref="HttpRule"/>s from HAProxy's syntax: the text that follows
/// <c>http-request</c> or <c>http-response</c> on a configuration line.
/// </summary>
public static class HttpRuleParser
{
    /// <summary>Parses one <c>http-request</c> rule.</summary>
    /// <exception cref="SampleSyntaxException">The rule does not parse; the message says why.</exception>
    public static HttpRule ParseRequest(string text) => Parse(text, response: false);

    /// <summary>Parses one <c>http-response</c> rule.</summary>
    /// <exception cref="SampleSyntaxException">The rule does not parse; the message says why.</exception>
    public static HttpRule ParseResponse(string text) => Parse(text, response: true);

    /// <summary>Splits <c>NAME [if|unless COND]</c>, as in <c>use-backend</c>, into the words
    /// before the condition and the condition.</summary>
    public static (List<RuleToken> Words, RuleCondition? Condition) SplitCondition(string text)
    {
        var tokens = RuleToken.Split(text);
        int at = tokens.FindIndex(t => t.Is("if") || t.Is("unless"));
        if (at < 0)
        {
            return (tokens, null);
        }
        return (tokens[..at], RuleCondition.Parse(tokens[at..]));
    }

    private static HttpRule Parse(string text, bool response)
    {
        var (words, condition) = SplitCondition(text);
        if (words.Count == 0)
        {
            throw new SampleSyntaxException("empty rule");
        }
        string keyword = words[0].Text;
        var arguments = words.Skip(1).Select(w => w.Text).ToArray();
        HttpRule rule = keyword switch
        {
            _ when keyword.StartsWith("lua.", StringComparison.Ordinal) && keyword.Length > 4 =>
                new LuaActionRule(keyword[4..], arguments) { Text = text },
            "set-header" => new HeaderRule(HeaderRule.Operation.Set, response, Argument(arguments, 0, keyword, "a header name"),
                LogFormat.Parse(Argument(arguments, 1, keyword, "a value"))) { Text = text },
            "add-header" => new HeaderRule(HeaderRule.Operation.Add, response, Argument(arguments, 0, keyword, "a header name"),
                LogFormat.Parse(Argument(arguments, 1, keyword, "a value"))) { Text = text },
            "del-header" => new HeaderRule(HeaderRule.Operation.Delete, response, Argument(arguments, 0, keyword, "a header name"), null) { Text = text },
            "set-path" when !response => new RequestLineRule(RequestLineRule.Part.Path, LogFormat.Parse(Argument(arguments, 0, keyword, "a path"))) { Text = text },
            "set-query" when !response => new RequestLineRule(RequestLineRule.Part.Query, LogFormat.Parse(Argument(arguments, 0, keyword, "a query"))) { Text = text },
            "set-method" when !response => new RequestLineRule(RequestLineRule.Part.Method, LogFormat.Parse(Argument(arguments, 0, keyword, "a method"))) { Text = text },
            _ when keyword.StartsWith("set-var(", StringComparison.Ordinal) =>
                new VariableRule(VariableName(keyword), SampleExpression.Parse(Argument(arguments, 0, "set-var", "a sample expression"))) { Text = text },
            _ when keyword.StartsWith("unset-var(", StringComparison.Ordinal) => new VariableRule(VariableName(keyword), null) { Text = text },
            "deny" => ParseDeny(arguments, text),
            "return" => ParseReturn(arguments, text),
            "use-service" when !response => ParseService(arguments, text),
            "set-status" when response => new SetStatusRule(Status(Argument(arguments, 0, keyword, "a status"))) { Text = text },
            _ => throw new SampleSyntaxException($"unknown {(response ? "http-response" : "http-request")} action '{keyword}'"),
        };
        return Attach(rule, condition);
    }

    private static HttpRule Attach(HttpRule rule, RuleCondition? condition)
    {
        rule.Condition = condition;
        return rule;
    }

    private static HttpRule ParseDeny(string[] arguments, string text)
    {
        int status = 403;
        for (int i = 0; i < arguments.Length; i++)
        {
            status = arguments[i] == "status" ? Status(Argument(arguments, ++i, "deny status", "a status")) :
                throw new SampleSyntaxException($"deny: unexpected '{arguments[i]}'; expected 'status N'");
        }
        return new ReplyRule(status, null, null) { Text = text, ErrorPage = true };
    }

    private static HttpRule ParseReturn(string[] arguments, string text)
    {
        int status = 200;
        string? contentType = null;
        LogFormat? body = null;
        for (int i = 0; i < arguments.Length; i++)
        {
            switch (arguments[i])
            {
                case "status":
                    status = Status(Argument(arguments, ++i, "return status", "a status"));
                    break;
                case "content-type":
                    contentType = Argument(arguments, ++i, "return content-type", "a type");
                    break;
                case "string":
                    body = LogFormat.Literal(Argument(arguments, ++i, "return string", "a text"));
                    break;
                case "lf-string":
                    body = LogFormat.Parse(Argument(arguments, ++i, "return lf-string", "a format"));
                    break;
                default:
                    throw new SampleSyntaxException($"return: unexpected '{arguments[i]}'; expected status, content-type, string or lf-string");
            }
        }
        if (body is not null && contentType is null)
        {
            throw new SampleSyntaxException("return: a body needs its content-type, as in HAProxy");
        }
        return new ReplyRule(status, contentType, body) { Text = text };
    }

    private static HttpRule ParseService(string[] arguments, string text)
    {
        string service = Argument(arguments, 0, "use-service", "a service");
        if (!service.StartsWith("lua.", StringComparison.Ordinal) || service.Length <= 4)
        {
            throw new SampleSyntaxException($"use-service: '{service}' is not a Lua service; expected lua.NAME");
        }
        return new UseServiceRule(service[4..]) { Text = text };
    }

    private static string VariableName(string keyword)
    {
        int open = keyword.IndexOf('(', StringComparison.Ordinal);
        if (!keyword.EndsWith(')'))
        {
            throw new SampleSyntaxException($"'{keyword}': missing ')'");
        }
        string name = keyword[(open + 1)..^1];
        string scope = name.Split('.')[0];
        if (scope is not ("proc" or "sess" or "txn" or "req" or "res") || name.Length <= scope.Length + 1)
        {
            throw new SampleSyntaxException($"'{keyword}': a variable is scope.name with scope proc, sess, txn, req or res");
        }
        return name;
    }

    private static int Status(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int status) && status is >= 200 and <= 599
            ? status
            : throw new SampleSyntaxException($"'{text}' is not an HTTP status between 200 and 599");

    private static string Argument(string[] arguments, int index, string keyword, string what) =>
        index < arguments.Length ? arguments[index] : throw new SampleSyntaxException($"{keyword}: missing {what}");
}
