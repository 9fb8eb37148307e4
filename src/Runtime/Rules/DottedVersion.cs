using System.Globalization;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// HAProxy's dotted version patterns (pat_parse_dotted_ver, strl2llrc_dotted): <c>MAJOR[.MINOR]</c>
/// as <c>(MAJOR &lt;&lt; 16) | MINOR</c>, alone or as a range with <c>:</c> or <c>-</c>, written
/// here as the integer pattern the match then reads.
/// </summary>
internal static class DottedVersion
{
    /// <summary>The integer pattern (<c>N</c>, <c>N:M</c>, <c>:M</c>, <c>N:</c>) of <paramref name="text"/>.</summary>
    /// <exception cref="Samples.SampleSyntaxException">It is no dotted version, or no valid range of them.</exception>
    public static string ToRange(string text)
    {
        int separator = text.IndexOfAny([':', '-']);
        if (separator < 0)
        {
            return Value(text) is { } single ? single.ToString(CultureInfo.InvariantCulture)
                : throw new Samples.SampleSyntaxException($"'{text}' is not a dotted number");
        }
        string low = text[..separator], high = text[(separator + 1)..];
        long? min = low.Length == 0 ? null : Value(low), max = high.Length == 0 ? null : Value(high);
        if ((low.Length > 0 && min is null) || (high.Length > 0 && max is null) || (low.Length == 0 && high.Length == 0) || min > max)
        {
            throw new Samples.SampleSyntaxException($"'{text}' is not a valid dotted number range");
        }
        return $"{min}:{max}";
    }

    private static long? Value(string text)
    {
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        string major = dot < 0 ? text : text[..dot], minor = dot < 0 ? "0" : text[(dot + 1)..];
        return long.TryParse(major, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long high) && high < 65536
            && long.TryParse(minor, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long low) && low < 65536
            ? (high << 16) | (low & 0xFFFF)
            : null;
    }
}
