namespace ActorProxy.Runtime.Rules;

/// <summary>One word of a rule line; <paramref name="Quoted"/> words are never keywords.</summary>
/// <param name="Text">The word, with quotes and escapes removed.</param>
/// <param name="Quoted">True when the word was quoted.</param>
public readonly record struct RuleToken(string Text, bool Quoted)
{
    /// <summary>True when this is the unquoted word <paramref name="keyword"/>.</summary>
    public bool Is(string keyword) => !Quoted && Text == keyword;

    /// <summary>Splits a rule line into words as HAProxy's configuration parser does:
    /// spaces separate, double or single quotes group, a backslash escapes the next character;
    /// inside double quotes <c>\n</c>, <c>\r</c> and <c>\t</c> are a newline, a return and a tab.</summary>
    public static List<RuleToken> Split(string line)
    {
        var tokens = new List<RuleToken>();
        var word = new System.Text.StringBuilder();
        bool inWord = false, quoted = false;
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < line.Length)
                {
                    char escaped = line[++i];
                    word.Append(escaped switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => escaped });
                }
                else
                {
                    word.Append(c);
                }
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    tokens.Add(new RuleToken(word.ToString(), quoted));
                    word.Clear();
                    inWord = quoted = false;
                }
                continue;
            }
            inWord = true;
            if (c is '"' or '\'')
            {
                quote = c;
                quoted = true;
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
            }
            else
            {
                word.Append(c);
            }
        }
        if (quote != '\0')
        {
            throw new Samples.SampleSyntaxException($"unterminated quote in '{line}'");
        }
        if (inWord)
        {
            tokens.Add(new RuleToken(word.ToString(), quoted));
        }
        return tokens;
    }
}
