using System.Globalization;
using System.Text;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Logging;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// A <c>%var</c> of a log-format string (configuration.txt 8.2.6), such as <c>%ci</c> or
/// <c>%{+Q}r</c>, printed as HAProxy 2.6 prints it (<c>sess_build_logline</c>). In a rule's
/// format (<c>set-header X %ci</c>) the variables a transaction knows while its rules run; in an
/// access log's (<c>log-format</c>) every variable of HAProxy's table but the few ActorProxy has
/// no counterpart for, which are refused when the format is read, never printed wrong.
/// </summary>
public sealed class LogFormatVariable
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    // Known to a transaction while its rules run and to its log line.
    private static readonly Dictionary<string, Func<ILogSubject, string?>> s_shared = new(StringComparer.Ordinal)
    {
        ["ci"] = x => x.ClientAddress,
        ["cp"] = x => x.ClientPort.ToString(CultureInfo.InvariantCulture),
        ["fi"] = x => x.LocalAddress,
        ["fp"] = x => x.LocalPort.ToString(CultureInfo.InvariantCulture),
        ["f"] = x => x.Frontend,
        // '~' after the name when the connection is TLS.
        ["ft"] = x => x.Tls is null ? x.Frontend : x.Frontend + "~",
        // Before use-backend the frontend is the backend, as HAProxy's s->be.
        ["b"] = x => x.Backend ?? x.Frontend,
        // The server is chosen after the request's rules; the response's see it.
        ["s"] = x => x.Server ?? "<NOSRV>",
        ["sslv"] = x => x.Tls?.Protocol,
        // ActorProxy has no unique-id-format, so a transaction has no unique id.
        ["ID"] = _ => null,
        ["H"] = _ => Environment.MachineName,
        ["pid"] = _ => Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
    };

    // The request line as the rules see it now.
    private static readonly Dictionary<string, Func<HttpExchange, string>> s_rule = new(StringComparer.Ordinal)
    {
        ["HM"] = x => x.Method,
        ["HP"] = x => x.UrlPrefix + x.Path,
        ["HPO"] = x => x.Path,
        ["HQ"] = x => x.Query is null ? "" : "?" + x.Query,
        ["HU"] = x => x.Url,
        ["HV"] = x => x.Version,
    };

    // The request line as it came, '#'-encoded and never '-' (lf_encode_chunk): an empty query is nothing.
    private static readonly Dictionary<string, Func<AccessLogEntry, string>> s_requestLine = new(StringComparer.Ordinal)
    {
        ["r"] = e => UrlEncoded(e.RequestLine ?? "<BADREQ>"),
        ["HM"] = e => RequestLinePart(e, 0),
        ["HU"] = e => RequestLinePart(e, 1),
        ["HV"] = e => RequestLinePart(e, 2),
        ["HP"] = e => RequestLinePart(e, 1) is var uri && uri != "<BADREQ>" ? uri.Split('?')[0] : uri,
        ["HPO"] = e => RequestLinePart(e, 1) is var uri && uri != "<BADREQ>" ? PathOnly(uri) : uri,
        ["HQ"] = e => e.RequestLine is { } line && line.IndexOf('?') is >= 0 and var q ? UrlEncoded(line[q..].Split(' ')[0]) : e.RequestLine is null ? "<BADREQ>" : "",
    };

    // An access log line's numbers: timers (t_* differences, -1 where a step did not happen),
    // sizes, counts; appended as they are, with no string of their own.
    private static readonly Dictionary<string, Func<AccessLogEntry, long>> s_numbers = new(StringComparer.Ordinal)
    {
        ["Ts"] = e => e.AcceptDate.ToUnixTimeSeconds(),
        ["Th"] = e => e.Handshake,
        ["Ti"] = e => e.Idle,
        ["TR"] = e => e.RequestReceived >= 0 ? e.RequestReceived - e.Idle - e.Handshake : -1,
        ["Tq"] = e => e.RequestReceived,
        ["Tw"] = e => e.Queued >= 0 ? e.Queued - e.RequestReceived : -1,
        ["Tc"] = e => e.Connected >= 0 ? e.Connected - e.Queued : -1,
        ["Tr"] = e => e.ResponseReceived >= 0 ? e.ResponseReceived - e.Connected : -1,
        ["Td"] = e => e.ResponseReceived >= 0 ? e.Closed - e.ResponseReceived : e.Connected >= 0 && e.RequestLine is null ? e.Closed - e.Connected : -1,
        ["Ta"] = e => e.Closed - e.Idle - e.Handshake,
        ["Tt"] = e => e.Closed,
        ["Tu"] = e => e.Closed - e.Idle,
        ["ST"] = e => e.Status,
        ["B"] = e => e.BytesOut,
        ["U"] = e => e.BytesIn,
        ["ac"] = e => e.ActiveConnections,
        ["fc"] = e => e.FrontendConnections,
        ["bc"] = e => e.BackendConnections,
        ["sc"] = e => e.ServerConnections,
        // ActorProxy's requests wait only in a backend's queue, never in a server's own.
        ["sq"] = _ => 0,
        ["bq"] = e => e.BackendQueuePosition,
    };

    // An access log line's dates, written into the line.
    private static readonly Dictionary<string, Action<AccessLogEntry, StringBuilder>> s_dates = new(StringComparer.Ordinal)
    {
        ["t"] = (e, line) => Date(e.AcceptDate, line),
        ["tr"] = (e, line) => Date(RequestDate(e), line),
        ["T"] = (e, line) => GmtDate(e.AcceptDate, line),
        ["trg"] = (e, line) => GmtDate(RequestDate(e), line),
        ["Tl"] = (e, line) => LocalDate(e.AcceptDate, line),
        ["trl"] = (e, line) => LocalDate(RequestDate(e), line),
        ["ms"] = (e, line) => line.Append(CultureInfo.InvariantCulture, $"{e.AcceptDate.Millisecond:000}"),
    };

    // An access log line's other values: how it ended, cookies, the server's address.
    private static readonly Dictionary<string, Func<AccessLogEntry, string?>> s_log = new(StringComparer.Ordinal)
    {
        // ActorProxy sets no persistence cookie: nothing captured, state "--".
        ["CC"] = _ => null,
        ["CS"] = _ => null,
        ["ts"] = e => e.Termination.ToString(),
        ["tsc"] = e => e.Termination + "--",
        ["rc"] = e => (e.Redispatched ? "+" : "") + e.Retries.ToString(CultureInfo.InvariantCulture),
        ["si"] = e => e.ServerAddress?.Address.ToString(),
        ["sp"] = e => e.ServerAddress?.Port.ToString(CultureInfo.InvariantCulture),
    };

    // Printed whole by the variable itself, quotes included: nothing at all without captures.
    private static readonly Dictionary<string, Func<AccessLogEntry, bool, string>> s_captures = new(StringComparer.Ordinal)
    {
        ["hr"] = (e, quote) => Captures(e.RequestCaptures, quote),
        ["hs"] = (e, quote) => Captures(e.ResponseCaptures, quote),
        ["hrl"] = (e, quote) => CaptureList(e.RequestCaptures, quote),
        ["hsl"] = (e, quote) => CaptureList(e.ResponseCaptures, quote),
    };

    // Printed with ltoa or LOGCHAR in sess_build_logline: +Q adds no quotes.
    private static readonly HashSet<string> s_unquoted = new(StringComparer.Ordinal) { "cp", "fp", "sp", "pid", "ts", "tsc", "rc" };

    // The rest of HAProxy 2.6's table, each with why ActorProxy leaves it out.
    private static readonly Dictionary<string, string> s_refused = new(StringComparer.Ordinal)
    {
        ["bi"] = "the source address of a server connection is not known to ActorProxy's backend client",
        ["bp"] = "the source port of a server connection is not known to ActorProxy's backend client",
        ["lc"] = "ActorProxy keeps no per-frontend log counter",
        ["rt"] = "ActorProxy numbers no request",
        ["sslc"] = "the cipher of a TLS session is not recorded by ActorProxy",
    };

    private readonly Func<ILogSubject, string?>? _shared;
    private readonly Func<HttpExchange, string>? _rule;
    private readonly Func<AccessLogEntry, string?>? _log;
    private readonly Func<AccessLogEntry, bool, string>? _captures;
    private readonly Func<AccessLogEntry, string>? _requestLine;
    private readonly Func<AccessLogEntry, long>? _number;
    private readonly Action<AccessLogEntry, StringBuilder>? _date;
    private readonly bool _quote;

    private LogFormatVariable(string name, bool quote, Func<ILogSubject, string?>? shared, Func<HttpExchange, string>? rule,
        Func<AccessLogEntry, string?>? log, Func<AccessLogEntry, bool, string>? captures, Func<AccessLogEntry, string>? requestLine,
        Func<AccessLogEntry, long>? number = null, Action<AccessLogEntry, StringBuilder>? date = null)
    {
        _number = number;
        _date = date;
        Name = name;
        _quote = quote;
        _shared = shared;
        _rule = rule;
        _log = log;
        _captures = captures;
        _requestLine = requestLine;
    }

    /// <summary>The variable's name, without its '%'.</summary>
    public string Name { get; }

    /// <summary>True for <c>%hr</c> and its kin: without captures they print nothing at all,
    /// and the spaces around them merge.</summary>
    public bool PrintsNothingWhenEmpty => _captures is not null;

    /// <summary>The variable <paramref name="name"/> with the flags of <c>%{…}</c>
    /// (<paramref name="flags"/>, empty for none), for an access log when
    /// <paramref name="accessLog"/>, else for a rule; throws <see cref="SampleSyntaxException"/>
    /// with HAProxy's words for a name it does not know, and says why for one ActorProxy leaves out.</summary>
    public static LogFormatVariable Of(string name, string flags, bool accessLog) => Of(name, flags, accessLog, quoteByDefault: false);

    /// <summary>As <see cref="Of(string, string, bool)"/>, quoted unless <c>-Q</c> when
    /// <paramref name="quoteByDefault"/> (after a <c>%{+Q}o</c>, HAProxy's global option).</summary>
    public static LogFormatVariable Of(string name, string flags, bool accessLog, bool quoteByDefault)
    {
        // HAProxy prints numbers, dates, ports and states with no quotes, whatever +Q says.
        bool quote = Quote(name, flags, quoteByDefault) && !s_unquoted.Contains(name) && !s_numbers.ContainsKey(name) && !s_dates.ContainsKey(name);
        var shared = s_shared.GetValueOrDefault(name);
        if (accessLog)
        {
            var log = s_log.GetValueOrDefault(name);
            var captures = s_captures.GetValueOrDefault(name);
            var requestLine = s_requestLine.GetValueOrDefault(name);
            var number = s_numbers.GetValueOrDefault(name);
            var date = s_dates.GetValueOrDefault(name);
            if (shared is null && log is null && captures is null && requestLine is null && number is null && date is null)
            {
                throw Unknown(name);
            }
            return new LogFormatVariable(name, quote, shared, null, log, captures, requestLine, number, date);
        }
        var rule = s_rule.GetValueOrDefault(name);
        if (shared is null && rule is null)
        {
            throw s_log.ContainsKey(name) || s_captures.ContainsKey(name) || s_requestLine.ContainsKey(name) || s_numbers.ContainsKey(name) || s_dates.ContainsKey(name)
                ? new SampleSyntaxException($"format variable '%{name}' is only known to ActorProxy in a log-format (it reads what the whole transaction did)")
                : Unknown(name);
        }
        return new LogFormatVariable(name, quote, shared, rule, null, null, null);
    }

    /// <summary>The variable's text for a rule of <paramref name="exchange"/>.</summary>
    public string Render(HttpExchange exchange)
    {
        string value = (_rule is null ? _shared!(exchange) : _rule(exchange)) ?? "";
        return _quote ? $"\"{value}\"" : value;
    }

    /// <summary>Appends the variable's text in the access log line of <paramref name="entry"/>
    /// to <paramref name="line"/>; false when it printed nothing (an absent capture).</summary>
    public bool AppendTo(StringBuilder line, AccessLogEntry entry)
    {
        if (_number is not null)
        {
            line.Append(_number(entry));
            return true;
        }
        if (_date is not null)
        {
            _date(entry, line);
            return true;
        }
        string text = Text(entry);
        line.Append(text);
        return text.Length > 0;
    }

    // A text variable's part of an access log line: a value it lacks is '-' (HAProxy's
    // LOG_OPT_MANDATORY), or "" when quoted.
    private string Text(AccessLogEntry entry)
    {
        if (_captures is not null)
        {
            return _captures(entry, _quote);
        }
        if (_requestLine is not null)
        {
            return _quote ? $"\"{_requestLine(entry)}\"" : _requestLine(entry);
        }
        string? value = _log is null ? _shared!(entry) : _log(entry);
        if (_quote)
        {
            return $"\"{value}\"";
        }
        return string.IsNullOrEmpty(value) ? "-" : value;
    }

    /// <summary>True when <paramref name="flags"/> (on a default of <paramref name="quoteByDefault"/>) ask for quotes.</summary>
    public static bool Quote(string name, string flags, bool quoteByDefault)
    {
        bool quote = quoteByDefault;
        foreach (string flag in flags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            quote = flag switch
            {
                "+Q" => true,
                "-Q" => false,
                _ => throw new SampleSyntaxException($"format flag '{flag}' of '%{name}' is not supported by ActorProxy (it carries out +Q and -Q)"),
            };
        }
        return quote;
    }

    private static SampleSyntaxException Unknown(string name) => new(s_refused.TryGetValue(name, out string? why)
        ? $"format variable '%{name}' is not supported by ActorProxy: {why}"
        : $"no such format variable '{name}'. If you wanted to emit the '%' character verbatim, you need to use '%%'");

    private static DateTimeOffset RequestDate(AccessLogEntry e) => e.AcceptDate.AddMilliseconds(e.Idle + e.Handshake);

    // '01/Dec/2026:18:57:41.559' (date2str_log).
    private static void Date(DateTimeOffset date, StringBuilder line) =>
        line.Append(CultureInfo.InvariantCulture, $"{date:dd}/{Months[date.Month - 1]}/{date:yyyy:HH:mm:ss.fff}");

    // '01/Dec/2026:18:57:41 +0000' (gmt2str_log).
    private static void GmtDate(DateTimeOffset date, StringBuilder line)
    {
        var utc = date.ToUniversalTime();
        line.Append(CultureInfo.InvariantCulture, $"{utc:dd}/{Months[utc.Month - 1]}/{utc:yyyy:HH:mm:ss} +0000");
    }

    // '01/Dec/2026:19:57:41 +0100' (localdate2str_log).
    private static void LocalDate(DateTimeOffset date, StringBuilder line)
    {
        var offset = date.Offset;
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        line.Append(CultureInfo.InvariantCulture, $"{date:dd}/{Months[date.Month - 1]}/{date:yyyy:HH:mm:ss} {sign}{offset.Hours:00}{offset.Minutes:00}");
    }

    // A word of the request line (method, URI, version), '#'-encoded; <BADREQ> without one.
    private static string RequestLinePart(AccessLogEntry e, int index)
    {
        if (e.RequestLine is null)
        {
            return "<BADREQ>";
        }
        string[] words = e.RequestLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return index < words.Length ? UrlEncoded(words[index]) : index == 0 ? UrlEncoded(e.RequestLine) : "<BADREQ>";
    }

    // The path of a URI, without scheme, authority and query (http_parse_path).
    private static string PathOnly(string uri)
    {
        string path = uri.Split('?')[0];
        if (path.StartsWith('/') || path == "*")
        {
            return path;
        }
        int scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return path;
        }
        int slash = path.IndexOf('/', scheme + 3);
        return slash < 0 ? "" : path[slash..];
    }

    // HAProxy's url_encode_map: control characters, '"', '#' and bytes from 127 as '#XX'.
    private static string UrlEncoded(string text) => Encoded(text, "\"#");

    // hdr_encode_map: as the URL's, and '{', '|', '}', which frame the captures.
    private static string HeaderEncoded(string text) => Encoded(text, "\"#{|}");

    private static string Encoded(string text, string special)
    {
        if (!text.Any(c => c < 32 || c >= 127 || special.Contains(c)))
        {
            return text;
        }
        var encoded = new StringBuilder(text.Length + 8);
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            if (b < 32 || b >= 127 || special.Contains((char)b))
            {
                encoded.Append('#').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                encoded.Append((char)b);
            }
        }
        return encoded.ToString();
    }

    // '{value|value}' (LOG_FMT_HDRREQUEST).
    private static string Captures(string?[] values, bool quote)
    {
        if (values.Length == 0)
        {
            return "";
        }
        string joined = "{" + string.Join('|', values.Select(v => v is null ? "" : HeaderEncoded(v))) + "}";
        return quote ? $"\"{joined}\"" : joined;
    }

    // 'value value' with '-' for one absent, or each quoted (LOG_FMT_HDRREQUESTLIST).
    private static string CaptureList(string?[] values, bool quote) =>
        string.Join(' ', values.Select(v => quote ? $"\"{(v is null ? "" : HeaderEncoded(v))}\"" : v is null ? "-" : HeaderEncoded(v)));
}
