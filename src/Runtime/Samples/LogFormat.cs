using System.Text;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Logging;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// A string with embedded samples and variables, as HAProxy's log-format:
/// <c>id-%[lua.id]-%[hdr(host),lower] from %ci</c>; <c>%%</c> is a '%'. In a rule, a sample that
/// is not found prints as nothing; in an access log (<see cref="ParseAccessLog"/>) as <c>-</c>,
/// and runs of spaces print as one, none where nothing came before (HAProxy's LOG_OPT_MANDATORY
/// and LOG_OPT_MERGE_SPACES).
/// </summary>
public sealed class LogFormat
{
    // A run of spaces in an access log's format.
    private static readonly object Separator = new();

    [ThreadStatic]
    private static StringBuilder? t_line;

    private readonly IReadOnlyList<object> _parts;

    private LogFormat(string text, IReadOnlyList<object> parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>HAProxy's <c>option httplog</c> format.</summary>
    public const string HttpLog = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";

    /// <summary>HAProxy's <c>option httplog clf</c> format.</summary>
    public const string HttpLogClf = "%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl";

    /// <summary>HAProxy's <c>option tcplog</c> format.</summary>
    public const string TcpLog = "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq";

    /// <summary>The format as written.</summary>
    public string Text { get; }

    /// <summary>The sample expressions it holds.</summary>
    public IEnumerable<SampleExpression> Samples => _parts.OfType<SampleExpression>();

    /// <summary>A plain string, printed as is (HAProxy's <c>string</c> argument, where <c>%[</c> means nothing).</summary>
    public static LogFormat Literal(string text) => new(text, [text]);

    /// <summary>Parses a log-format string; the files its samples read (maps) come from
    /// <paramref name="files"/>, the current folder by default.</summary>
    /// <exception cref="SampleSyntaxException">A <c>%[</c> is not closed or holds no valid expression.</exception>
    public static LogFormat Parse(string text, SampleFiles? files = null) => Parse(text, accessLog: false, files);

    /// <summary>Parses the <c>log-format</c> of an access log.</summary>
    /// <exception cref="SampleSyntaxException">As <see cref="Parse(string, SampleFiles?)"/>, and for a variable or a sample an access log cannot print.</exception>
    public static LogFormat ParseAccessLog(string text, SampleFiles? files = null) => Parse(text, accessLog: true, files);

    private static LogFormat Parse(string text, bool accessLog, SampleFiles? files)
    {
        var parts = new List<object>();
        var literal = new StringBuilder();
        bool quoteByDefault = false;
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '%' && i + 1 == text.Length)
            {
                // HAProxy's own words.
                throw new SampleSyntaxException("truncated line after '%'");
            }
            if (text[i] == '%' && i + 1 < text.Length && text[i + 1] == '%')
            {
                literal.Append('%');
                i += 2;
                continue;
            }
            if (text[i] == '%' && i + 1 < text.Length && text[i + 1] != '[')
            {
                i = ParseVariable(text, i + 1, parts, literal, accessLog, ref quoteByDefault);
                continue;
            }
            if (text[i] == '%' && i + 1 < text.Length && text[i + 1] == '[')
            {
                int close = text.IndexOf(']', i + 2);
                if (close < 0)
                {
                    throw new SampleSyntaxException($"missing ']' after '%[' in '{text}'");
                }
                if (literal.Length > 0)
                {
                    parts.Add(literal.ToString());
                    literal.Clear();
                }
                if (quoteByDefault)
                {
                    throw new SampleSyntaxException($"'%[{text[(i + 2)..close]}]' after '%{{+Q}}o': quoted samples are not supported by ActorProxy");
                }
                var sample = SampleExpression.Parse(text[(i + 2)..close], files);
                if (accessLog && sample.LuaNames().Any())
                {
                    throw new SampleSyntaxException($"'%[{text[(i + 2)..close]}]': an access log line is written after the transaction, when no Lua runs for it; ActorProxy takes no Lua sample in a log-format");
                }
                if (accessLog && sample.Direction != SampleDirection.Any)
                {
                    // HAProxy's words: the request and the response are gone when the line is written.
                    throw new SampleSyntaxException($"sample fetch <{text[(i + 2)..close]}> may not be reliably used here because it needs HTTP request or response data, which is not available when the log line is written");
                }
                parts.Add(sample);
                i = close + 1;
                continue;
            }
            if (accessLog && text[i] == ' ')
            {
                if (literal.Length > 0)
                {
                    parts.Add(literal.ToString());
                    literal.Clear();
                }
                if (parts.Count == 0 || parts[^1] != Separator)
                {
                    parts.Add(Separator);
                }
                i++;
                continue;
            }
            literal.Append(text[i]);
            i++;
        }
        if (literal.Length > 0)
        {
            parts.Add(literal.ToString());
        }
        return new LogFormat(text, parts);
    }

    // %var or %{flags}var from start (after the '%'); returns where the text goes on.
    private static int ParseVariable(string text, int start, List<object> parts, StringBuilder literal, bool accessLog, ref bool quoteByDefault)
    {
        string flags = "";
        int i = start;
        if (text[i] == '{')
        {
            int close = text.IndexOf('}', i);
            if (close < 0)
            {
                throw new SampleSyntaxException($"missing '}}' after '%{{' in '{text}'");
            }
            flags = text[(i + 1)..close];
            i = close + 1;
        }
        int name = i;
        // A name begins with a letter (with flags before it, a digit too), then letters and digits.
        bool begins = i < text.Length && (char.IsAsciiLetter(text[i]) || (flags.Length > 0 && char.IsAsciiDigit(text[i])));
        while (begins && i < text.Length && char.IsAsciiLetterOrDigit(text[i]))
        {
            i++;
        }
        if (i < text.Length && text[i] == '[' && i == name)
        {
            throw new SampleSyntaxException($"'%{{{flags}}}[' in '{text}': flags before a sample expression are not supported by ActorProxy");
        }
        if (i == name)
        {
            // HAProxy's own words (parse_logformat_string).
            throw new SampleSyntaxException(i < text.Length
                ? $"unexpected variable name near '{text[i]}' at position {i} line : '{text}'. Maybe you want to write a single '%', use the syntax '%%'"
                : "truncated line after '%'");
        }
        if (literal.Length > 0)
        {
            parts.Add(literal.ToString());
            literal.Clear();
        }
        if (text[name..i] == "o")
        {
            // HAProxy's global option: its flags are the default of every variable after it.
            quoteByDefault = LogFormatVariable.Quote("o", flags, quoteByDefault);
            return i;
        }
        parts.Add(LogFormatVariable.Of(text[name..i], flags, accessLog, quoteByDefault));
        return i;
    }

    /// <summary>Renders the string for <paramref name="exchange"/>.</summary>
    public string Render(HttpExchange exchange, ILuaSamples? lua)
    {
        if (_parts is [string only])
        {
            return only;
        }
        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part is string literal)
            {
                text.Append(literal);
            }
            else if (part is LogFormatVariable variable)
            {
                text.Append(variable.Render(exchange));
            }
            else if (((SampleExpression)part).Evaluate(exchange, lua) is { } sample)
            {
                text.Append(SampleValue.AsString(sample));
            }
        }
        return text.ToString();
    }

    /// <summary>Renders the access log line of <paramref name="entry"/>; its samples read
    /// <see cref="AccessLogEntry.Transaction"/> (not found without one).</summary>
    public string Render(AccessLogEntry entry)
    {
        // Lines are rendered one after the other on each thread: its builder is reused.
        var line = t_line ??= new StringBuilder(512);
        line.Clear();
        // Nothing printed yet counts as a space: a leading separator prints nothing.
        bool lastIsSpace = true;
        foreach (var part in _parts)
        {
            string text;
            if (part == Separator)
            {
                if (!lastIsSpace)
                {
                    line.Append(' ');
                    lastIsSpace = true;
                }
                continue;
            }
            if (part is string literal)
            {
                text = literal;
            }
            else if (part is LogFormatVariable variable)
            {
                // Any variable but an absent capture counts as printed, even empty (an empty
                // %HQ keeps both spaces around it), as sess_build_logline's last_isspace.
                lastIsSpace &= !variable.AppendTo(line, entry) && variable.PrintsNothingWhenEmpty;
                continue;
            }
            else
            {
                var sample = entry.Transaction is { } transaction ? ((SampleExpression)part).Evaluate(transaction, null) : null;
                text = sample is null ? "-" : SampleValue.AsString(sample) is { Length: > 0 } value ? value : "-";
            }
            if (text.Length > 0)
            {
                line.Append(text);
                lastIsSpace = false;
            }
        }
        return line.ToString();
    }
}
