using System.Globalization;
using System.Net;
using ActorProxy.Runtime.Rules;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// A map file as HAProxy's <c>map_*</c> converters read it (<c>pat_ref_read_from_file_smp</c>):
/// one key and one value per line, spaces and tabs around them dropped, lines that start with
/// <c>#</c> and empty ones skipped. Keys are patterns of one match method; a lookup gives the
/// value of the first key that matches, in the file's order (for IP networks, the longest).
/// Values are parsed once, at load, into the converter's output type.
/// </summary>
public sealed class SampleMap
{
    private readonly AclPatterns _keys;
    private readonly object[] _values;

    private SampleMap(AclPatterns keys, object[] values)
    {
        _keys = keys;
        _values = values;
    }

    /// <summary>Reads <paramref name="path"/> (shown as <paramref name="name"/> in errors).</summary>
    /// <exception cref="SampleSyntaxException">The file cannot be read, or a key or value does
    /// not parse; the message names the file and the line.</exception>
    public static SampleMap Load(string path, string name, AclMatchMethod match, SampleType output)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SampleSyntaxException($"failed to open map file '{name}': {e.Message}");
        }
        var keys = new List<string>();
        var values = new List<object>();
        for (int number = 1; number <= lines.Length; number++)
        {
            string line = lines[number - 1];
            if (line.StartsWith('#'))
            {
                continue;
            }
            var rest = line.AsSpan().TrimStart(" \t");
            if (rest.IsEmpty)
            {
                continue;
            }
            int end = rest.IndexOfAny(' ', '\t');
            string key = (end < 0 ? rest : rest[..end]).ToString();
            string value = (end < 0 ? "" : rest[end..].Trim(" \t")).ToString();
            keys.Add(key);
            values.Add(Value(value, output) ?? throw new SampleSyntaxException(
                $"map file '{name}' line {number}: '{value}' is not {(output == SampleType.SInt ? "an integer" : "an IP address")}"));
        }
        try
        {
            return new SampleMap(new AclPatterns(match, ignoreCase: false, noResolve: false, keys), [.. values]);
        }
        catch (SampleSyntaxException e)
        {
            throw new SampleSyntaxException($"map file '{name}': {e.Message}");
        }
    }

    /// <summary>A value of the map's output type from its text, or null when it does not parse.</summary>
    public static object? Value(string text, SampleType output) => output switch
    {
        SampleType.SInt => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number) ? number : null,
        SampleType.Ip => IPAddress.TryParse(text, out var address) ? address : null,
        _ => text,
    };

    /// <summary>The value of the first key <paramref name="sample"/> matches, or null.</summary>
    public object? Lookup(object sample) => _keys.IndexOfMatch(sample) is int index and >= 0 ? _values[index] : null;
}
