using System.Globalization;
using System.Net;
using ActorProxy.Runtime.Rules;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// A map as one converter reads it: the entries of a <see cref="MapReference"/> as patterns of
/// one match method, the values in one output type. A lookup gives the value of the first key
/// that matches, in the entries' order (for IP networks, the longest). What it made of the entries
/// is made again at the first lookup after a change.
/// </summary>
public sealed class SampleMap
{
    private readonly MapReference _reference;
    private readonly AclMatchMethod _match;
    private readonly SampleType _output;
    private volatile Compiled _compiled;

    private SampleMap(MapReference reference, AclMatchMethod match, SampleType output)
    {
        _reference = reference;
        _match = match;
        _output = output;
        _compiled = Compile();
    }

    /// <summary>The map <paramref name="reference"/> holds, for <paramref name="match"/> and
    /// <paramref name="output"/>; from now on, a change the two cannot read is refused.</summary>
    /// <exception cref="SampleSyntaxException">An entry's key or value does not parse; the message
    /// names the file and the line.</exception>
    public static SampleMap Over(MapReference reference, AclMatchMethod match, SampleType output)
    {
        var map = new SampleMap(reference, match, output);
        foreach (var entry in reference.Entries)
        {
            if (map.Refusal(entry.Key, entry.Value) is { } refusal)
            {
                throw new SampleSyntaxException($"map file '{reference.Name}' line {entry.Line}: {refusal}");
            }
        }
        reference.AddCheck(map.Refusal);
        reference.UsedAs(new PatternExpression(match, IgnoreCase: false, NoResolve: false, output));
        return map;
    }

    /// <summary>A map of its own from the file at <paramref name="path"/> (written <paramref name="name"/>).</summary>
    /// <exception cref="SampleSyntaxException">The file cannot be read, or an entry does not parse.</exception>
    public static SampleMap Load(string path, string name, AclMatchMethod match, SampleType output) =>
        Over(new MapReference(-1, name, PatternFile.ReadMap(path, name)), match, output);

    /// <summary>A value of the output type from its text, or null when it does not parse.</summary>
    public static object? Value(string text, SampleType output) => output switch
    {
        SampleType.SInt => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number) ? number : null,
        SampleType.Ip => IPAddress.TryParse(text, out var address) ? address : null,
        _ => text,
    };

    /// <summary>The value of the first key <paramref name="sample"/> matches, or null.</summary>
    public object? Lookup(object sample)
    {
        var compiled = _compiled;
        if (compiled.Revision != _reference.Revision)
        {
            _compiled = compiled = Compile();
        }
        return compiled.Keys.IndexOfMatch(sample) is int index and >= 0 ? compiled.Values[index] : null;
    }

    // The revision is read before the entries: entries newer than it are made again next time.
    private Compiled Compile()
    {
        long revision = _reference.Revision;
        var entries = _reference.Entries;
        var keys = new AclPatterns(_match, ignoreCase: false, noResolve: false, entries.Select(e => e.Key));
        return new Compiled(revision, keys, [.. entries.Select(e => Value(e.Value, _output)!)]);
    }

    // pat_ref_load's order and words: the key as a pattern, then the value as a sample.
    private string? Refusal(string key, string value)
    {
        try
        {
            _ = new AclPatterns(_match, ignoreCase: false, noResolve: false, [key]);
        }
        catch (SampleSyntaxException e)
        {
            return e.Message;
        }
        return Value(value, _output) is null ? $"unable to parse '{value}'" : null;
    }

    private sealed record Compiled(long Revision, AclPatterns Keys, object[] Values);
}
