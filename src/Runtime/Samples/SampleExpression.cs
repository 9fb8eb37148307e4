using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Samples;

/// <summary>One step of a sample expression: a fetch or a converter, built-in or <c>lua.NAME</c>,
/// with its arguments checked when the configuration was read.</summary>
public sealed class SampleStep
{
    internal SampleStep(string name, SampleArgs args, SampleFetchDefinition? fetch, SampleConverterDefinition? converter)
    {
        Name = name;
        Args = args;
        BuiltInFetch = fetch;
        BuiltInConverter = converter;
    }

    /// <summary>The keyword, such as <c>hdr</c>, <c>lower</c> or <c>lua.id</c>.</summary>
    public string Name { get; }

    /// <summary>Its arguments.</summary>
    public SampleArgs Args { get; }

    /// <summary>The built-in fetch, or null for a converter or a Lua fetch.</summary>
    public SampleFetchDefinition? BuiltInFetch { get; }

    /// <summary>The built-in converter, or null for a fetch or a Lua converter.</summary>
    public SampleConverterDefinition? BuiltInConverter { get; }

    /// <summary>The Lua function's name without <c>lua.</c>, or null for a built-in step.</summary>
    public string? LuaName => BuiltInFetch is null && BuiltInConverter is null ? Name[4..] : null;
}

/// <summary>
/// A sample expression, <c>fetch(args),conv(args),…</c>, as HAProxy's <c>sample_parse_expr</c>
/// reads it: a fetch followed by converters, each name known, each argument checked, each
/// converter applicable to the type before it. Evaluation casts between steps as HAProxy does.
/// </summary>
public sealed class SampleExpression
{
    // Lua fetches and converters take text arguments (HAProxy gives them up to its maximum).
    private static readonly SampleArgSpec LuaArgs = new(0, Enumerable.Repeat(SampleArgKind.Str, 12).ToArray());

    private SampleExpression(string text, SampleStep fetch, IReadOnlyList<SampleStep> converters, SampleType output)
    {
        Text = text;
        Fetch = fetch;
        Converters = converters;
        Output = output;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>The fetch.</summary>
    public SampleStep Fetch { get; }

    /// <summary>The converters applied to its result, in order.</summary>
    public IReadOnlyList<SampleStep> Converters { get; }

    /// <summary>The type it returns (<see cref="SampleType.Any"/> for variables).</summary>
    public SampleType Output { get; }

    /// <summary>What part of the transaction it reads.</summary>
    public SampleDirection Direction => Fetch.BuiltInFetch?.Direction ?? SampleDirection.Any;

    /// <summary>Evaluates the expression; null when a step finds nothing or fails.</summary>
    public object? Evaluate(HttpExchange exchange, ILuaSamples? lua)
    {
        object? sample = Fetch.BuiltInFetch is { } fetch
            ? fetch.Fetch(exchange, Fetch.Args)
            : lua?.Fetch(Fetch.LuaName!, exchange, Fetch.Args.Texts);
        return Convert(sample, exchange, lua);
    }

    /// <summary>Every value the expression gives, as an ACL tries them: each value of a fetch with
    /// several (headers, cookies), each through the converters; a value whose conversion fails
    /// is skipped.</summary>
    public IEnumerable<object> EvaluateEach(HttpExchange exchange, ILuaSamples? lua)
    {
        if (Fetch.BuiltInFetch?.Each is not { } each)
        {
            if (Evaluate(exchange, lua) is { } only)
            {
                yield return only;
            }
            yield break;
        }
        foreach (object value in each(exchange, Fetch.Args))
        {
            if (Convert(value, exchange, lua) is { } converted)
            {
                yield return converted;
            }
        }
    }

    /// <summary>Every <c>lua.*</c> name used, with whether it is a fetch (else a converter).</summary>
    public IEnumerable<(string Name, bool IsFetch)> LuaNames()
    {
        if (Fetch.LuaName is { } fetch)
        {
            yield return (fetch, true);
        }
        foreach (var converter in Converters)
        {
            if (converter.LuaName is { } name)
            {
                yield return (name, false);
            }
        }
    }

    /// <summary>Parses <paramref name="text"/>, all of it. Names must be built-in or <c>lua.*</c>;
    /// whether a <c>lua.*</c> name is registered is checked later, at boot. Files its converters
    /// read (maps) come from <paramref name="files"/>: the current folder by default.</summary>
    /// <exception cref="SampleSyntaxException">The text is not a valid sample expression.</exception>
    public static SampleExpression Parse(string text, SampleFiles? files = null)
    {
        if (text.Length == 0)
        {
            throw new SampleSyntaxException("empty sample expression");
        }
        int position = 0;
        var fetch = ParseStep(text, ref position, isFetch: true, files);
        var type = fetch.BuiltInFetch?.Output ?? SampleType.Str;
        var converters = new List<SampleStep>();
        while (position < text.Length)
        {
            if (text[position] != ',')
            {
                throw new SampleSyntaxException($"expected ',' or the end at position {position + 1} in '{text}'");
            }
            position++;
            if (position == text.Length)
            {
                throw new SampleSyntaxException($"missing converter after the last ',' in '{text}'");
            }
            var converter = ParseStep(text, ref position, isFetch: false, files);
            if (converter.BuiltInConverter is { } builtIn)
            {
                if (!SampleValue.CanCast(type, builtIn.Input))
                {
                    throw new SampleSyntaxException(
                        $"converter '{converter.Name}' cannot be applied to the {type.ToString().ToLowerInvariant()} before it in '{text}'");
                }
                type = builtIn.Output;
            }
            else
            {
                type = SampleType.Str;
            }
            converters.Add(converter);
        }
        return new SampleExpression(text, fetch, converters, type);
    }

    private object? Convert(object? sample, HttpExchange exchange, ILuaSamples? lua)
    {
        foreach (var converter in Converters)
        {
            if (sample is null)
            {
                return null;
            }
            if (converter.BuiltInConverter is { } builtIn)
            {
                sample = SampleValue.Cast(sample, builtIn.Input) is { } input ? builtIn.Convert(input, converter.Args, exchange) : null;
            }
            else
            {
                // HAProxy registers Lua converters as taking a string.
                sample = lua?.Convert(converter.LuaName!, exchange, SampleValue.AsString(sample), converter.Args.Texts);
            }
        }
        return sample;
    }

    private static SampleStep ParseStep(string text, ref int position, bool isFetch, SampleFiles? files = null)
    {
        int start = position;
        while (position < text.Length && text[position] is not ('(' or ','))
        {
            position++;
        }
        string name = text[start..position];
        if (name.Length == 0 || name.Any(char.IsWhiteSpace))
        {
            throw new SampleSyntaxException($"missing or malformed {(isFetch ? "sample fetch" : "converter")} name at position {start + 1} in '{text}'");
        }
        if (name.StartsWith("lua.", StringComparison.Ordinal) && name.Length > 4)
        {
            return new SampleStep(name, SampleArgs.Parse(name, LuaArgs, text, ref position), null, null);
        }
        if (isFetch)
        {
            var fetch = SampleFetches.Find(name) ?? throw new SampleSyntaxException(
                $"unknown sample fetch '{name}' in '{text}' (ActorProxy implements: {string.Join(" ", SampleFetches.Names.Order(StringComparer.Ordinal))})");
            var args = SampleArgs.Parse(name, fetch.Args, text, ref position);
            Check(name, fetch.Check?.Invoke(args), text);
            Prepare(name, args, fetch.Prepare, files, text);
            return new SampleStep(name, args, fetch, null);
        }
        var converter = SampleConverters.Find(name) ?? throw new SampleSyntaxException(
            $"unknown converter '{name}' in '{text}' (ActorProxy implements: {string.Join(" ", SampleConverters.Names.Order(StringComparer.Ordinal))})");
        var converterArgs = SampleArgs.Parse(name, converter.Args, text, ref position, converter.RegexOptions);
        Check(name, converter.Check?.Invoke(converterArgs), text);
        Prepare(name, converterArgs, converter.Prepare, files, text);
        return new SampleStep(name, converterArgs, null, converter);
    }

    private static void Prepare(string name, SampleArgs args, Func<SampleArgs, SampleFiles, object>? prepare, SampleFiles? files, string text)
    {
        if (prepare is null)
        {
            return;
        }
        try
        {
            args.Prepare(prepare(args, files ?? SampleFiles.Current()));
        }
        catch (SampleSyntaxException e)
        {
            throw new SampleSyntaxException($"'{name}': {e.Message} in '{text}'");
        }
    }

    private static void Check(string name, string? refusal, string text)
    {
        if (refusal is not null)
        {
            throw new SampleSyntaxException($"'{name}': {refusal} in '{text}'");
        }
    }
}
