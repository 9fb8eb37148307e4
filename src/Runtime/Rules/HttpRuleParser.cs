using System.Globalization;
using System.Text.RegularExpressions;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// Builds <see cref="HttpRule"/>s from HAProxy's syntax: the text that follows
/// <c>http-request</c> or <c>http-response</c> on a configuration line. An action, option or
/// argument ActorProxy does not carry out exactly as HAProxy 2.6 is refused here.
/// </summary>
public static class HttpRuleParser
{
    private static readonly string[] ReplyPayloadsRefused = ["errorfile", "errorfiles", "file", "lf-file"];

    /// <summary>Parses one <c>http-request</c> rule.</summary>
    /// <exception cref="SampleSyntaxException">The rule does not parse; the message says why.</exception>
    public static HttpRule ParseRequest(string text, RuleContext context) => Parse(text, context with { Response = false });

    /// <summary>Parses one <c>http-request</c> rule with only the predefined ACLs.</summary>
    /// <exception cref="SampleSyntaxException">The rule does not parse; the message says why.</exception>
    public static HttpRule ParseRequest(string text) => ParseRequest(text, RuleContext.Default);

    /// <summary>Parses one <c>http-response</c> rule.</summary>
    /// <exception cref="SampleSyntaxException">The rule does not parse; the message says why.</exception>
    public static HttpRule ParseResponse(string text, RuleContext context) => Parse(text, context.ForResponse());

    /// <summary>Parses one <c>http-response</c> rule with only the predefined ACLs.</summary>
    /// <exception cref="SampleSyntaxException">The rule does not parse; the message says why.</exception>
    public static HttpRule ParseResponse(string text) => ParseResponse(text, RuleContext.Default);

    /// <summary>Splits <c>WORDS [if|unless COND]</c>, as in <c>use-backend</c>, into the words
    /// before the condition and the condition.</summary>
    public static (List<RuleToken> Words, RuleCondition? Condition) SplitCondition(string text, RuleContext context)
    {
        var tokens = RuleToken.Split(text);
        int at = tokens.FindIndex(t => t.Is("if") || t.Is("unless"));
        if (at < 0)
        {
            return (tokens, null);
        }
        return (tokens[..at], RuleCondition.Parse(tokens[at..], context));
    }

    private static HttpRule Parse(string text, RuleContext context)
    {
        var (words, condition) = SplitCondition(text, context);
        if (words.Count == 0)
        {
            throw new SampleSyntaxException("empty rule");
        }
        bool response = context.Response;
        string keyword = words[0].Text;
        var a = new Arguments(keyword, words.Skip(1).Select(w => w.Text).ToArray(), context);
        HttpRule rule = keyword switch
        {
            _ when keyword.StartsWith("lua.", StringComparison.Ordinal) && keyword.Length > 4 =>
                new LuaActionRule(response, keyword[4..], a.Rest(0)) { Text = text },
            "allow" => a.NoMore(0, new AllowRule { Text = text }),
            "deny" => ParseReply(a, text, deny: true, response ? 502 : 403),
            "return" => ParseReply(a, text, deny: false, 200),
            "redirect" => ParseRedirect(a, text, response),
            "set-header" or "add-header" => a.NoMore(2, new HeaderRule(keyword == "set-header", response, a.At(0, "a header name"),
                a.Format(1, "a value")) { Text = text }),
            "del-header" => ParseDeleteHeader(a, text, response),
            "replace-header" or "replace-value" => a.NoMore(3, new ReplaceHeaderRule(keyword == "replace-value", response,
                a.At(0, "a header name"), a.Regex(1), a.Format(2, "a replacement format")) { Text = text }),
            "set-path" when !response => a.NoMore(1, new RequestLineRule(RequestLinePart.Path, a.Format(0, "a path")) { Text = text }),
            "set-query" when !response => a.NoMore(1, new RequestLineRule(RequestLinePart.Query, a.Format(0, "a query")) { Text = text }),
            "set-method" when !response => a.NoMore(1, new RequestLineRule(RequestLinePart.Method, a.Format(0, "a method")) { Text = text }),
            "set-uri" when !response => a.NoMore(1, new RequestLineRule(RequestLinePart.Uri, a.Format(0, "a URI")) { Text = text }),
            "replace-path" when !response => a.NoMore(2, new ReplaceRequestLineRule(RequestLinePart.Path, a.Regex(0), a.Format(1, "a replacement format")) { Text = text }),
            "replace-uri" when !response => a.NoMore(2, new ReplaceRequestLineRule(RequestLinePart.Uri, a.Regex(0), a.Format(1, "a replacement format")) { Text = text }),
            _ when keyword.StartsWith("set-map(", StringComparison.Ordinal) && keyword.EndsWith(')') =>
                a.NoMore(2, new MapRule(context.Maps, keyword[8..^1], a.Format(0, "a key format"), a.Format(1, "a value format")) { Text = text }),
            _ when keyword.StartsWith("del-map(", StringComparison.Ordinal) && keyword.EndsWith(')') =>
                a.NoMore(1, new MapRule(context.Maps, keyword[8..^1], a.Format(0, "a key format"), null) { Text = text }),
            _ when keyword.StartsWith("add-acl(", StringComparison.Ordinal) && keyword.EndsWith(')') =>
                a.NoMore(1, new AclFileRule(context.Maps, keyword[8..^1], a.Format(0, "a key format"), add: true) { Text = text }),
            _ when keyword.StartsWith("del-acl(", StringComparison.Ordinal) && keyword.EndsWith(')') =>
                a.NoMore(1, new AclFileRule(context.Maps, keyword[8..^1], a.Format(0, "a key format"), add: false) { Text = text }),
            _ when keyword.StartsWith("set-var-fmt(", StringComparison.Ordinal) =>
                a.NoMore(1, VariableRule.SetFormat(VariableName(keyword), a.Format(0, "a format"), text)),
            _ when keyword.StartsWith("set-var(", StringComparison.Ordinal) =>
                a.NoMore(1, VariableRule.Set(VariableName(keyword), a.Sample(0), text)),
            _ when keyword.StartsWith("unset-var(", StringComparison.Ordinal) => a.NoMore(0, VariableRule.Unset(VariableName(keyword), text)),
            "use-service" when !response => ParseService(a, text),
            "set-status" when response => ParseSetStatus(a, text),
            "set-log-level" => a.NoMore(1, new SetLogLevelRule(LogLevelOf(a)) { Text = text }),
            "track-sc0" or "track-sc1" or "track-sc2" => ParseTrack(a, text, context),
            _ when keyword.StartsWith("sc-inc-gpc0(", StringComparison.Ordinal) || keyword.StartsWith("sc-inc-gpc1(", StringComparison.Ordinal) =>
                a.NoMore(0, new StickCounterRule(CounterSlot(keyword), keyword[10] == '0' ? Stick.StickDataType.Gpc0 : Stick.StickDataType.Gpc1, null, 0) { Text = text }),
            _ when keyword.StartsWith("sc-set-gpt0(", StringComparison.Ordinal) => ParseSetGpt0(a, text, keyword),
            _ when keyword.StartsWith("sc-inc-gpc(", StringComparison.Ordinal) || keyword.StartsWith("sc-set-gpt(", StringComparison.Ordinal) =>
                throw new SampleSyntaxException($"'{keyword}': the gpc and gpt arrays are not stored by ActorProxy yet; use sc-inc-gpc0, sc-inc-gpc1 or sc-set-gpt0"),
            _ => throw new SampleSyntaxException(
                $"'{keyword}' is not an {(response ? "http-response" : "http-request")} action ActorProxy supports; it supports " +
                (response
                    ? "lua.NAME, allow, deny, return, redirect location, set-header, add-header, del-header, replace-header, replace-value, set-status, set-log-level, set-var, set-var-fmt, unset-var, track-sc0/1/2, sc-inc-gpc0, sc-inc-gpc1, sc-set-gpt0"
                    : "lua.NAME, allow, deny, return, redirect, set-header, add-header, del-header, replace-header, replace-value, set-path, set-query, set-method, set-uri, replace-path, replace-uri, set-log-level, set-var, set-var-fmt, unset-var, use-service, track-sc0/1/2, sc-inc-gpc0, sc-inc-gpc1, sc-set-gpt0")),
        };
        rule.Condition = condition;
        return rule;
    }

    // track-scN KEY [table T] (parse_trk_sc): the key is a sample; the table the proxy's own unless named.
    internal static TrackRule ParseTrack(Arguments a, string text, RuleContext context)
    {
        var key = a.Sample(0);
        string? table = null;
        if (a.Count > 1)
        {
            if (a.At(1, "") != "table")
            {
                throw new SampleSyntaxException($"{a.Keyword}: unexpected '{a.At(1, "")}'; expected 'table <table>'");
            }
            table = a.At(2, "a table name after 'table'");
            a.NoMore(3, 0);
        }
        return new TrackRule(a.Keyword[^1] - '0', key, context.Table(table, a.Keyword), context.Response) { Text = text };
    }

    // sc-set-gpt0(N) VALUE: an integer, else a sample expression (2.6 takes both).
    private static HttpRule ParseSetGpt0(Arguments a, string text, string keyword)
    {
        string value = a.At(0, "an integer or a sample expression");
        a.NoMore(1, 0);
        return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long constant)
            ? new StickCounterRule(CounterSlot(keyword), Stick.StickDataType.Gpt0, null, constant) { Text = text }
            : new StickCounterRule(CounterSlot(keyword), Stick.StickDataType.Gpt0, a.Sample(0), 0) { Text = text };
    }

    // The N of sc-inc-gpc0(N): a stick counter, 0 to 2.
    private static int CounterSlot(string keyword)
    {
        int open = keyword.IndexOf('(', StringComparison.Ordinal);
        string inside = keyword.EndsWith(')') ? keyword[(open + 1)..^1] : "";
        return int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out int slot) && slot < Stick.StickCounters.Slots
            ? slot
            : throw new SampleSyntaxException($"'{keyword}': expects a stick counter between 0 and {Stick.StickCounters.Slots - 1} in parentheses");
    }

    // stream_parse_set_log_level: -1 for silent, the level plus one otherwise (0 is "not set").
    private static int LogLevelOf(Arguments a)
    {
        string name = a.At(0, "exactly 1 argument (log level name or 'silent')");
        int level = name == "silent" ? -1 : Logging.SyslogLevel.Parse(name) + 1;
        return level != 0 ? level : throw new SampleSyntaxException("set-log-level: expects exactly 1 argument (log level name or 'silent')");
    }

    // http_parse_http_reply: deny takes the same options as return, and answers with HAProxy's
    // error page for its status unless it has a payload.
    private static HttpRule ParseReply(Arguments a, string text, bool deny, int defaultStatus)
    {
        int status = defaultStatus;
        string? contentType = null;
        LogFormat? body = null;
        bool errorPage = deny;
        string? payloadArgument = null;
        var headers = new List<(string, LogFormat)>();
        for (int i = 0; i < a.Count; i++)
        {
            string word = a.At(i, "");
            switch (word)
            {
                case "status" or "deny_status" when deny || word == "status":
                    status = Status(a.At(++i, $"<status_code> after '{word}'"), 200, 599);
                    break;
                case "content-type":
                    contentType = a.At(++i, "<ctype> after 'content-type'");
                    break;
                case "string" or "lf-string" or "default-errorfiles":
                    if (payloadArgument is not null)
                    {
                        throw new SampleSyntaxException($"unexpected '{word}' argument, '{payloadArgument}' already defined");
                    }
                    payloadArgument = word;
                    errorPage = word == "default-errorfiles";
                    body = word switch
                    {
                        "string" => LogFormat.Literal(a.At(++i, "<str> after 'string'")),
                        "lf-string" => a.Format(++i, "<fmt> after 'lf-string'"),
                        _ => null,
                    };
                    break;
                case "hdr":
                    string name = a.At(++i, "<name> and <value> after 'hdr'");
                    var value = a.Format(++i, "<name> and <value> after 'hdr'");
                    if (name.ToLowerInvariant() is "content-length" or "transfer-encoding" or "content-type")
                    {
                        throw new SampleSyntaxException($"'hdr {name}': HAProxy ignores this header in a reply (with a warning); remove it");
                    }
                    headers.Add((name, value));
                    break;
                case var refused when ReplyPayloadsRefused.Contains(refused):
                    throw new SampleSyntaxException($"'{refused}' payloads are not supported by ActorProxy yet; use string or lf-string");
                default:
                    throw new SampleSyntaxException($"{a.Keyword}: unexpected '{word}'; expected status, content-type, string, lf-string, default-errorfiles or hdr");
            }
        }
        if (errorPage)
        {
            if (!HttpReply.HasErrorPage(status))
            {
                throw new SampleSyntaxException($"status code '{status}' not handled by default with '{(deny ? "deny" : "return")}' argument.");
            }
            if (contentType is not null || headers.Count > 0)
            {
                throw new SampleSyntaxException("HAProxy ignores content-type and hdr with an error page (with a warning); remove them");
            }
        }
        else if (body is null && contentType is not null)
        {
            throw new SampleSyntaxException("HAProxy ignores content-type without a payload (with a warning); remove it");
        }
        else if (body is not null && contentType is null && (body.Text.Length > 0 || payloadArgument == "lf-string"))
        {
            throw new SampleSyntaxException(payloadArgument == "lf-string"
                ? "a content type must be defined with a log-format payload"
                : "a content type must be defined when non-empty payload is configured");
        }
        if (body is not null && status is 204 or 304 && (body.Text.Length > 0 || payloadArgument == "lf-string"))
        {
            throw new SampleSyntaxException($"No body expected for {status} responses");
        }
        return new ReplyRule(status, contentType, body, headers, errorPage, deny) { Text = text };
    }

    private static HttpRule ParseRedirect(Arguments a, string text, bool response)
    {
        RedirectKind? kind = null;
        LogFormat? destination = null;
        int code = 302;
        bool dropQuery = false, appendSlash = false, ignoreEmpty = false;
        string? cookie = null;
        for (int i = 0; i < a.Count; i++)
        {
            string word = a.At(i, "");
            switch (word)
            {
                case "location" or "prefix" or "scheme":
                    kind = word switch { "location" => RedirectKind.Location, "prefix" => RedirectKind.Prefix, _ => RedirectKind.Scheme };
                    string target = a.At(++i, $"an argument after '{word}'");
                    // "prefix /" adds nothing before the URI.
                    destination = kind == RedirectKind.Prefix && target == "/" ? null : a.Format(i, "");
                    break;
                case "code":
                    code = Status(a.At(++i, "a code after 'code'"), 301, 308);
                    if (code is > 303 and < 307)
                    {
                        throw new SampleSyntaxException($"'code': unsupported HTTP code '{code}' (must be one of 301, 302, 303, 307 or 308)");
                    }
                    break;
                case "set-cookie":
                    cookie = a.At(++i, "a cookie after 'set-cookie'") + "; path=/;";
                    break;
                case "clear-cookie":
                    cookie = a.At(++i, "a cookie after 'clear-cookie'") + "; path=/; Max-Age=0;";
                    break;
                case "drop-query":
                    dropQuery = true;
                    break;
                case "append-slash":
                    appendSlash = true;
                    break;
                case "ignore-empty":
                    ignoreEmpty = true;
                    break;
                default:
                    throw new SampleSyntaxException(
                        $"expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was '{word}')");
            }
        }
        if (kind is null)
        {
            throw new SampleSyntaxException("redirection type expected ('prefix', 'location', or 'scheme')");
        }
        if (response && kind != RedirectKind.Location)
        {
            throw new SampleSyntaxException("response only supports redirect type 'location'");
        }
        return new RedirectRule(kind.Value, destination, code, dropQuery, appendSlash, ignoreEmpty, cookie) { Text = text };
    }

    private static HttpRule ParseDeleteHeader(Arguments a, string text, bool response)
    {
        string name = a.At(0, "a header name");
        string method = "str";
        if (a.Count > 1)
        {
            if (a.At(1, "") != "-m")
            {
                throw new SampleSyntaxException($"del-header: unexpected '{a.At(1, "")}'; expected '-m METHOD'");
            }
            method = a.At(2, "a method after '-m'");
            if (a.Count > 3)
            {
                throw new SampleSyntaxException($"del-header: unexpected '{a.At(3, "")}'");
            }
        }
        string lower = name.ToLowerInvariant();
        Func<string, bool> matches = method switch
        {
            "str" => field => field == lower,
            "beg" => field => field.StartsWith(lower, StringComparison.Ordinal),
            "end" => field => field.EndsWith(lower, StringComparison.Ordinal),
            "sub" => field => field.Contains(lower, StringComparison.Ordinal),
            "reg" => a.RegexOf(name).IsMatch,
            _ => throw new SampleSyntaxException($"del-header: '-m {method}' is not supported; expected str, beg, end, sub or reg"),
        };
        return new DeleteHeaderRule(response, matches) { Text = text };
    }

    private static HttpRule ParseSetStatus(Arguments a, string text)
    {
        int status = Status(a.At(0, "a status"), 100, 999);
        string? reason = null;
        if (a.Count > 1)
        {
            if (a.At(1, "") != "reason" || a.Count != 3)
            {
                throw new SampleSyntaxException("set-status: expected 'set-status N [reason TEXT]'");
            }
            reason = a.At(2, "a reason");
        }
        return new SetStatusRule(status, reason) { Text = text };
    }

    private static HttpRule ParseService(Arguments a, string text)
    {
        string service = a.At(0, "a service");
        if (service == "prometheus-exporter")
        {
            return a.NoMore(1, new UseAppletRule(service) { Text = text });
        }
        if (!service.StartsWith("lua.", StringComparison.Ordinal) || service.Length <= 4)
        {
            throw new SampleSyntaxException($"use-service: '{service}' is not a service; expected lua.NAME or prometheus-exporter");
        }
        return a.NoMore(1, new UseServiceRule(service[4..]) { Text = text });
    }

    private static string VariableName(string keyword)
    {
        int open = keyword.IndexOf('(', StringComparison.Ordinal);
        if (!keyword.EndsWith(')'))
        {
            throw new SampleSyntaxException($"'{keyword}': missing ')'");
        }
        string inside = keyword[(open + 1)..^1];
        if (inside.Contains(',', StringComparison.Ordinal))
        {
            throw new SampleSyntaxException($"'{keyword}': conditions on set-var (ifexists, ifnotset, …) are not supported by ActorProxy yet");
        }
        if (!SampleArgs.IsVariableName(inside))
        {
            throw new SampleSyntaxException($"'{keyword}': a variable is scope.name with scope proc, sess, txn, req or res");
        }
        SampleArgs.DeclareIfProcess(inside);
        return inside;
    }

    private static int Status(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int status) && status >= min && status <= max
            ? status
            : throw new SampleSyntaxException($"'{text}' is not an HTTP status between {min} and {max}");

    // The words after the action keyword, read in order with clear errors.
    internal sealed class Arguments(string keyword, string[] words, RuleContext context)
    {
        public string Keyword => keyword;

        public int Count => words.Length;

        public string At(int index, string what) =>
            index < words.Length ? words[index] : throw new SampleSyntaxException($"{keyword}: missing {what}");

        public string[] Rest(int from) => words[from..];

        public LogFormat Format(int index, string what) => CheckDirection(LogFormat.Parse(At(index, what), context.Files));

        public SampleExpression Sample(int index)
        {
            var sample = SampleExpression.Parse(At(index, "a sample expression"), context.Files);
            context.Check(sample);
            return sample;
        }

        public Regex Regex(int index) => RegexOf(At(index, "a regular expression"));

        public Regex RegexOf(string pattern)
        {
            try
            {
                return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw new SampleSyntaxException($"{keyword}: '{pattern}' is not a valid regular expression: {e.Message}");
            }
        }

        public T NoMore<T>(int expected, T rule)
        {
            if (words.Length > expected)
            {
                throw new SampleSyntaxException($"{keyword}: unexpected '{words[expected]}' (quote a value that holds spaces)");
            }
            return rule;
        }

        private LogFormat CheckDirection(LogFormat format)
        {
            foreach (var sample in format.Samples)
            {
                context.Check(sample);
            }
            return format;
        }
    }
}
