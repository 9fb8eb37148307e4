using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Samples;

/// <summary>One step of a sample expression: a fetch or converter name and its arguments.</summary>
/// <param name="Name">The keyword, such as <c>hdr</c>, <c>lower</c> or <c>lua.id</c>.</param>
/// <param name="Arguments">Its arguments, as written.</param>
public sealed record SampleCall(string Name, IReadOnlyList<string> Arguments);

/// <summary>
/// A sample expression, <c>fetch(args),conv(args),…</c>: a fetch followed by converters, as in
/// HAProxy's <c>%[hdr(host),lower]</c>.
/// </summary>
/// <param name="Fetch">The fetch.</param>
/// <param name="Converters">The converters applied to its result, in order.</param>
public sealed record SampleExpression(SampleCall Fetch, IReadOnlyList<SampleCall> Converters)
{
    /// <summary>Evaluates the expression; null when a step finds nothing or fails.</summary>
    public object? Evaluate(HttpExchange exchange, ILuaSamples? lua)
    {
        object? sample = Fetch.Name.StartsWith("lua.", StringComparison.Ordinal)
            ? lua?.Fetch(Fetch.Name[4..], exchange, Fetch.Arguments)
            : SampleFunctions.Fetches[Fetch.Name](exchange, Fetch.Arguments);
        foreach (var converter in Converters)
        {
            if (sample is null)
            {
                return null;
            }
            sample = converter.Name.StartsWith("lua.", StringComparison.Ordinal)
                ? lua?.Convert(converter.Name[4..], exchange, sample, converter.Arguments)
                : SampleFunctions.Converters[converter.Name](sample, converter.Arguments);
        }
        return sample;
    }

    /// <summary>Parses <paramref name="text"/>. Names must be built-in or <c>lua.*</c>;
    /// whether a <c>lua.*</c> name is registered is checked later, at boot.</summary>
    /// <exception cref="SampleSyntaxException">The text is not a sample expression.</exception>
    public static SampleExpression Parse(string text)
    {
        var calls = SplitCalls(text);
        var fetch = calls[0];
        if (!IsLua(fetch.Name) && !SampleFunctions.Fetches.ContainsKey(fetch.Name))
        {
            throw new SampleSyntaxException($"unknown sample fetch '{fetch.Name}' in '{text}'");
        }
        if (!IsLua(fetch.Name) && fetch.Arguments.Count > SampleFunctions.MaxArguments(fetch.Name))
        {
            throw new SampleSyntaxException($"sample fetch '{fetch.Name}' takes at most {SampleFunctions.MaxArguments(fetch.Name)} argument(s) in '{text}'");
        }
        foreach (var converter in calls.Skip(1))
        {
            if (!IsLua(converter.Name) && !SampleFunctions.Converters.ContainsKey(converter.Name))
            {
                throw new SampleSyntaxException($"unknown converter '{converter.Name}' in '{text}'");
            }
        }
        return new SampleExpression(fetch, [.. calls.Skip(1)]);
    }

    /// <summary>Every <c>lua.*</c> name used, with whether it is a fetch (else a converter).</summary>
    public IEnumerable<(string Name, bool IsFetch)> LuaNames()
    {
        if (IsLua(Fetch.Name))
        {
            yield return (Fetch.Name[4..], true);
        }
        foreach (var converter in Converters.Where(c => IsLua(c.Name)))
        {
            yield return (converter.Name[4..], false);
        }
    }

    private static bool IsLua(string name) => name.StartsWith("lua.", StringComparison.Ordinal) && name.Length > 4;

    // "hdr(host),lower,lua.x(a,b)" → calls; commas inside parentheses separate arguments.
    private static List<SampleCall> SplitCalls(string text)
    {
        var calls = new List<SampleCall>();
        int i = 0;
        while (i < text.Length)
        {
            int nameStart = i;
            while (i < text.Length && text[i] is not ('(' or ','))
            {
                i++;
            }
            string name = text[nameStart..i].Trim();
            if (name.Length == 0)
            {
                throw new SampleSyntaxException($"missing sample name at position {nameStart + 1} in '{text}'");
            }
            var arguments = new List<string>();
            if (i < text.Length && text[i] == '(')
            {
                int close = text.IndexOf(')', i);
                if (close < 0)
                {
                    throw new SampleSyntaxException($"missing ')' after '{name}(' in '{text}'");
                }
                string inside = text[(i + 1)..close];
                if (inside.Length > 0)
                {
                    arguments.AddRange(inside.Split(',').Select(a => a.Trim()));
                }
                i = close + 1;
            }
            calls.Add(new SampleCall(name, arguments));
            if (i < text.Length)
            {
                if (text[i] != ',')
                {
                    throw new SampleSyntaxException($"expected ',' at position {i + 1} in '{text}'");
                }
                i++;
                if (i == text.Length)
                {
                    throw new SampleSyntaxException($"missing converter after the last ',' in '{text}'");
                }
            }
        }
        if (calls.Count == 0)
        {
            throw new SampleSyntaxException("empty sample expression");
        }
        return calls;
    }
}
