using System.Text;
using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// A string with embedded samples and variables, as HAProxy's log-format:
/// <c>id-%[lua.id]-%[hdr(host),lower] from %ci</c>; <c>%%</c> is a '%'. A sample that is not found
/// prints as nothing, as in HAProxy.
/// </summary>
public sealed class LogFormat
{
    private readonly IReadOnlyList<object> _parts;

    private LogFormat(string text, IReadOnlyList<object> parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The format as written.</summary>
    public string Text { get; }

    /// <summary>The sample expressions it holds.</summary>
    public IEnumerable<SampleExpression> Samples => _parts.OfType<SampleExpression>();

    /// <summary>A plain string, printed as is (HAProxy's <c>string</c> argument, where <c>%[</c> means nothing).</summary>
    public static LogFormat Literal(string text) => new(text, [text]);

    /// <summary>Parses a log-format string.</summary>
    /// <exception cref="SampleSyntaxException">A <c>%[</c> is not closed or holds no valid expression.</exception>
    public static LogFormat Parse(string text)
    {
        var parts = new List<object>();
        var literal = new StringBuilder();
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
                i = ParseVariable(text, i + 1, parts, literal);
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
                parts.Add(SampleExpression.Parse(text[(i + 2)..close]));
                i = close + 1;
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
    private static int ParseVariable(string text, int start, List<object> parts, StringBuilder literal)
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
        while (i < text.Length && char.IsAsciiLetter(text[i]))
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
        parts.Add(LogFormatVariable.Of(text[name..i], flags));
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
}
