using System.Text;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>One word of a rule line; <paramref name="Quoted"/> words are never keywords.</summary>
/// <param name="Text">The word, with quotes and escapes removed.</param>
/// <param name="Quoted">True when the word was quoted.</param>
public readonly record struct RuleToken(string Text, bool Quoted)
{
    /// <summary>True when this is the unquoted word <paramref name="keyword"/>.</summary>
    public bool Is(string keyword) => !Quoted && Text == keyword;

    /// <summary>Splits a rule line into words as HAProxy's <c>parse_line</c> does: spaces
    /// separate; single quotes keep everything as it is; double quotes group and expand
    /// <c>$NAME</c>, <c>${NAME}</c> and <c>${NAME-default}</c> from the environment; outside single
    /// quotes <c>\ </c>, <c>\\</c>, <c>\#</c>, <c>\'</c>, <c>\"</c> are that character,
    /// <c>\t \n \r</c> control characters, <c>\xHH</c> a byte, and any other backslash stays
    /// (so <c>\.</c> reaches a regular expression as written); an unquoted <c>#</c> starts a comment.</summary>
    /// <exception cref="SampleSyntaxException">An unterminated quote, a bad <c>\x</c> sequence or variable.</exception>
    public static List<RuleToken> Split(string line)
    {
        var tokens = new List<RuleToken>();
        var word = new StringBuilder();
        bool inWord = false, quoted = false, single = false, dbl = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (single)
            {
                if (c == '\'')
                {
                    single = false;
                }
                else
                {
                    word.Append(c);
                }
                continue;
            }
            if (c == '\'' && !dbl)
            {
                single = inWord = quoted = true;
                continue;
            }
            if (c == '"')
            {
                dbl = !dbl;
                inWord = quoted = true;
                continue;
            }
            if (c == '\\' && i + 1 < line.Length)
            {
                inWord = true;
                i = Escape(line, i, dbl, word);
                continue;
            }
            if (c == '$' && dbl)
            {
                i = Expand(line, i, word);
                continue;
            }
            if (!dbl && char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    tokens.Add(new RuleToken(word.ToString(), quoted));
                    word.Clear();
                    inWord = quoted = false;
                }
                continue;
            }
            if (!dbl && c == '#')
            {
                break;
            }
            inWord = true;
            word.Append(c);
        }
        if (single || dbl)
        {
            throw new SampleSyntaxException($"unterminated quote in '{line}'");
        }
        if (inWord)
        {
            tokens.Add(new RuleToken(word.ToString(), quoted));
        }
        return tokens;
    }

    // The escape at line[at] (a backslash); returns the index of its last character.
    private static int Escape(string line, int at, bool dbl, StringBuilder word)
    {
        char next = line[at + 1];
        switch (next)
        {
            case ' ' or '\\' or '#' or '\'' or '"':
                word.Append(next);
                return at + 1;
            case 't':
                word.Append('\t');
                return at + 1;
            case 'n':
                word.Append('\n');
                return at + 1;
            case 'r':
                word.Append('\r');
                return at + 1;
            case '$' when dbl:
                word.Append('$');
                return at + 1;
            case 'x':
                if (at + 3 >= line.Length || !char.IsAsciiHexDigit(line[at + 2]) || !char.IsAsciiHexDigit(line[at + 3]))
                {
                    throw new SampleSyntaxException($"invalid or incomplete '\\x' sequence at position {at + 1} in '{line}'");
                }
                word.Append((char)Convert.ToByte(line.Substring(at + 2, 2), 16));
                return at + 3;
            default:
                word.Append('\\');
                return at;
        }
    }

    // $NAME, ${NAME} or ${NAME-default} at line[at] (the '$'); returns the index of its last character.
    private static int Expand(string line, int at, StringBuilder word)
    {
        int i = at + 1;
        bool brace = i < line.Length && line[i] == '{';
        if (brace)
        {
            i++;
        }
        int start = i;
        if (i >= line.Length || !(char.IsAsciiLetter(line[i]) || line[i] == '_'))
        {
            throw new SampleSyntaxException($"unacceptable character in an environment variable name at position {i + 1} in '{line}'");
        }
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_'))
        {
            i++;
        }
        string? value = Environment.GetEnvironmentVariable(line[start..i]);
        if (brace)
        {
            int close = line.IndexOf('}', i);
            if (close < 0)
            {
                throw new SampleSyntaxException($"unmatched brace in an environment variable at position {at + 1} in '{line}'");
            }
            if (line[i] == '-')
            {
                value ??= line[(i + 1)..close];
            }
            else if (close != i)
            {
                throw new SampleSyntaxException($"unmatched brace in an environment variable at position {at + 1} in '{line}'");
            }
            i = close + 1;
        }
        word.Append(value);
        return i - 1;
    }
}
