using System.Globalization;
using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// A <c>%var</c> of a log-format string (configuration.txt 8.2.6), such as <c>%ci</c> or
/// <c>%{+Q}HU</c>: those a transaction knows, printed as HAProxy prints them in a rule's format
/// (nothing where HAProxy has nothing, <c>&lt;NOSRV&gt;</c> before a server is chosen). The
/// variables of HAProxy's table that need what ActorProxy does not count yet (timers, connection
/// counts, captures) are refused when the format is read, never printed wrong.
/// </summary>
public sealed class LogFormatVariable
{
    private static readonly Dictionary<string, Func<HttpExchange, string>> s_known = new(StringComparer.Ordinal)
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
        ["HM"] = x => x.Method,
        ["HP"] = x => x.UrlPrefix + x.Path,
        ["HPO"] = x => x.Path,
        ["HQ"] = x => x.Query is null ? "" : "?" + x.Query,
        ["HU"] = x => x.Url,
        ["HV"] = x => x.Version,
        ["sslv"] = x => x.Tls?.Protocol ?? "",
        // ActorProxy has no unique-id-format, so a transaction has no unique id.
        ["ID"] = _ => "",
        ["H"] = _ => Environment.MachineName,
        ["pid"] = _ => Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
    };

    // The rest of HAProxy 2.6's table.
    private static readonly HashSet<string> s_haproxys = new(StringComparer.Ordinal)
    {
        "o", "B", "CC", "CS", "ST", "T", "Ta", "Tc", "Td", "Tl", "Th", "Ti", "Tq", "TR", "Tr", "Ts", "Tt", "Tu", "Tw", "U",
        "ac", "bc", "bi", "bp", "bq", "fc", "lc", "hr", "hrl", "hs", "hsl", "ms", "r", "rc", "rt", "sc", "si", "sp", "sq",
        "sslc", "t", "tr", "trg", "trl", "ts", "tsc",
    };

    private readonly Func<HttpExchange, string> _value;
    private readonly bool _quote;

    private LogFormatVariable(string name, Func<HttpExchange, string> value, bool quote)
    {
        Name = name;
        _value = value;
        _quote = quote;
    }

    /// <summary>The variable's name, without its '%'.</summary>
    public string Name { get; }

    /// <summary>The variable <paramref name="name"/> with the flags of <c>%{…}</c>
    /// (<paramref name="flags"/>, empty for none); throws <see cref="SampleSyntaxException"/> with
    /// HAProxy's words for a name it does not know, and says so for one ActorProxy leaves out.</summary>
    public static LogFormatVariable Of(string name, string flags)
    {
        if (!s_known.TryGetValue(name, out var value))
        {
            throw new SampleSyntaxException(s_haproxys.Contains(name)
                ? $"format variable '%{name}' is not supported by ActorProxy yet (it needs its request timers and counters)"
                : $"no such format variable '{name}'. If you wanted to emit the '%' character verbatim, you need to use '%%'");
        }
        bool quote = false;
        foreach (string flag in flags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            quote = flag switch
            {
                "+Q" => true,
                "-Q" => false,
                _ => throw new SampleSyntaxException($"format flag '{flag}' of '%{name}' is not supported by ActorProxy (it carries out +Q and -Q)"),
            };
        }
        return new LogFormatVariable(name, value, quote);
    }

    /// <summary>The variable's text for <paramref name="exchange"/>.</summary>
    public string Render(HttpExchange exchange) => _quote ? $"\"{_value(exchange)}\"" : _value(exchange);
}
