using System.Text;
using System.Text.RegularExpressions;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// HAProxy's replacement strings (<c>exp_replace</c> in regex.c), used by <c>regsub</c>,
/// <c>replace-header</c>, <c>replace-value</c>, <c>replace-path</c>, <c>replace-uri</c> and
/// Lua's <c>req_rep_header</c>: <c>\0</c>…<c>\9</c> are the match's groups, <c>\xHH</c> a
/// byte, a backslash before any other character that character.
/// </summary>
public static class RegexReplacement
{
    /// <summary>Expands <paramref name="template"/> for <paramref name="match"/>.</summary>
    public static string Expand(Match match, string template)
    {
        if (!template.Contains('\\', StringComparison.Ordinal))
        {
            return template;
        }
        var text = new StringBuilder(template.Length + 16);
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c != '\\' || i + 1 == template.Length)
            {
                text.Append(c);
                continue;
            }
            char next = template[++i];
            if (char.IsAsciiDigit(next))
            {
                var group = match.Groups[next - '0'];
                if (group.Success)
                {
                    text.Append(group.ValueSpan);
                }
            }
            else if (next == 'x' && i + 2 < template.Length && char.IsAsciiHexDigit(template[i + 1]) && char.IsAsciiHexDigit(template[i + 2]))
            {
                text.Append((char)Convert.ToByte(template.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                text.Append(next);
            }
        }
        return text.ToString();
    }

    /// <summary>Replaces the first match of <paramref name="pattern"/> in <paramref name="input"/>
    /// (every match when <paramref name="global"/>) by <paramref name="template"/>.</summary>
    public static string Replace(Regex pattern, string input, string template, bool global) =>
        pattern.Replace(input, match => Expand(match, template), global ? -1 : 1);

    /// <summary>What replaces the whole of <paramref name="input"/> when <paramref name="pattern"/>
    /// matches somewhere in it: <paramref name="template"/> expanded for that match, and nothing of
    /// the input outside it (HAProxy's <c>replace-header</c>, <c>replace-value</c>,
    /// <c>replace-path</c> and <c>replace-uri</c>); null when it does not match.</summary>
    public static string? ReplaceWhole(Regex pattern, string input, string template)
    {
        var match = pattern.Match(input);
        return match.Success ? Expand(match, template) : null;
    }
}
