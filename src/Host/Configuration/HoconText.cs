using ActorProxy.Runtime.Config;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorProxy.Host.Configuration;

/// <summary>
/// A configuration file's text as HOCON, whole or refused: every bracket, brace and string it
/// opens is closed before it ends (Akka's parser takes a file cut short as if it ended there, and
/// the rules after the cut would be gone), and each <c>include "FILE"</c> is read, relative to
/// the file that names it, and checked the same way. Errors name the file, line and column.
/// </summary>
internal static class HoconText
{
    /// <summary>Parses <paramref name="text"/>, the contents of <paramref name="file"/>.</summary>
    /// <exception cref="ConfigException">The text, or a file it includes, is cut short, malformed or missing.</exception>
    public static Config Parse(string text, string file)
    {
        text = CheckWhole(text, file);
        try
        {
            return ConfigurationFactory.ParseString(text, name => Include(name, file));
        }
        catch (ConfigException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ConfigException([new ConfigError(file, "", $"not valid HOCON: {e.Message}")]);
        }
    }

    private static HoconRoot Include(string name, string from)
    {
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(from))!, name);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigError(from, "", $"include \"{name}\": cannot read {path}: {e.Message}")]);
        }
        text = CheckWhole(text, path);
        try
        {
            return Parser.Parse(text, inner => Include(inner, path));
        }
        catch (ConfigException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ConfigException([new ConfigError(path, "", $"not valid HOCON (included from {from}): {e.Message}")]);
        }
    }

    /// <summary>Refuses a text whose brackets, braces or strings do not close, as HOCON's
    /// lexer sees them: comments (<c>#</c>, <c>//</c>) and strings hide what they hold, and a
    /// substitution's <c>${…}</c> is one token. Returns the text with each comma that follows an
    /// object's closing brace made a newline: HOCON allows either between fields
    /// (<c>timeout { client = 1s }, bind = …</c>), Akka's parser only the newline; same length, so
    /// its positions stay right.</summary>
    private static string CheckWhole(string text, string file)
    {
        var open = new Stack<(char Opener, int Line, int Column)>();
        List<int>? separators = null;
        char previous = '\0';
        int line = 1, column = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            column++;
            if (c == '\n')
            {
                line++;
                column = 0;
                continue;
            }
            if (c == '#' || (c == '/' && At(text, i, "//")))
            {
                i = EndOfLine(text, i) - 1;
                continue;
            }
            if (c == '"')
            {
                int start = i, startColumn = column;
                i = At(text, i, "\"\"\"") ? EndOfTripleQuoted(text, i, ref line, ref column) : EndOfQuoted(text, i, ref column);
                if (i < 0)
                {
                    throw Refused(file, line, startColumn, At(text, start, "\"\"\"")
                        ? "this \"\"\" string is never closed: the file ends first (is it cut short?)"
                        : "this string is not closed on its line (is the file cut short?)");
                }
                previous = '"';
                continue;
            }
            if (c == '$' && At(text, i, "${"))
            {
                int end = text.IndexOfAny(['}', '\n'], i);
                if (end < 0 || text[end] != '}')
                {
                    throw Refused(file, line, column, "this substitution ${…} is not closed on its line");
                }
                column += end - i;
                i = end;
                previous = '$';
                continue;
            }
            if (c == ',' && previous == '}')
            {
                (separators ??= []).Add(i);
            }
            if (!char.IsWhiteSpace(c))
            {
                previous = c;
            }
            if (c is '{' or '[')
            {
                open.Push((c, line, column));
            }
            else if (c is '}' or ']')
            {
                char expected = c == '}' ? '{' : '[';
                if (open.Count == 0)
                {
                    throw Refused(file, line, column, $"this '{c}' closes nothing");
                }
                var (opener, openLine, openColumn) = open.Pop();
                if (opener != expected)
                {
                    throw Refused(file, line, column, $"this '{c}' closes the '{opener}' opened at line {openLine}, column {openColumn}");
                }
            }
        }
        if (open.Count > 0)
        {
            var (opener, openLine, openColumn) = open.Peek();
            throw Refused(file, openLine, openColumn, $"this '{opener}' is never closed: the file ends first (is it cut short?)");
        }
        if (separators is null)
        {
            return text;
        }
        char[] separated = text.ToCharArray();
        foreach (int comma in separators)
        {
            separated[comma] = '\n';
        }
        return new string(separated);
    }

    private static bool At(string text, int i, string token) => string.CompareOrdinal(text, i, token, 0, token.Length) == 0;

    private static int EndOfLine(string text, int i)
    {
        int end = text.IndexOf('\n', i);
        return end < 0 ? text.Length : end;
    }

    // The index of the closing quote, or -1 when the line or the text ends first.
    private static int EndOfQuoted(string text, int i, ref int column)
    {
        for (int j = i + 1; j < text.Length; j++)
        {
            column++;
            switch (text[j])
            {
                case '\\':
                    j++;
                    column++;
                    break;
                case '"':
                    return j;
                case '\n':
                    return -1;
            }
        }
        return -1;
    }

    // The index of the last quote of the closing """ (HOCON gives extra quotes to the string).
    private static int EndOfTripleQuoted(string text, int i, ref int line, ref int column)
    {
        int end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
        if (end < 0)
        {
            return -1;
        }
        while (end + 3 < text.Length && text[end + 3] == '"')
        {
            end++;
        }
        for (int j = i + 1; j < end + 3; j++)
        {
            if (text[j] == '\n')
            {
                line++;
                column = 0;
            }
            else
            {
                column++;
            }
        }
        return end + 2;
    }

    private static ConfigException Refused(string file, int line, int column, string reason) =>
        new([new ConfigError($"{file}:{line}:{column}", "", reason)]);
}
