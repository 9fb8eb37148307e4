using System.Globalization;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// A request to change a server's weight, as <c>set server B/S weight W</c>, <c>set weight B/S W</c>
/// and Lua's <c>Server.set_weight</c> give it (HAProxy's server_parse_weight_change_request): an
/// absolute weight from 0 to 256, or a percentage of the configured weight.
/// </summary>
public static class ServerWeightChange
{
    /// <summary>The new weight <paramref name="request"/> asks for, from a configured weight of
    /// <paramref name="initial"/>; or, in <paramref name="error"/>, HAProxy's words for why not.</summary>
    public static int? Parse(string request, int initial, out string? error)
    {
        error = null;
        if (request.Length == 0)
        {
            error = "Require <weight> or <weight%>.\n";
            return null;
        }
        int digits = LeadingInteger(request, out long weight);
        if (digits == 0)
        {
            error = "Empty weight string empty or preceded by garbage";
            return null;
        }
        string rest = request[digits..];
        if (rest == "%")
        {
            if (weight < 0)
            {
                error = "Relative weight must be positive.\n";
                return null;
            }
            // HAProxy caps the percentage before it multiplies, against an overflow.
            return (int)Math.Min(initial * Math.Min(weight, 25600) / 100, ServerLine.MaxWeight);
        }
        if (weight is < 0 or > ServerLine.MaxWeight)
        {
            error = "Absolute weight can only be between 0 and 256 inclusive.\n";
            return null;
        }
        if (rest.Length > 0)
        {
            error = "Trailing garbage in weight string";
            return null;
        }
        return (int)weight;
    }

    // strtol(…, 10): leading spaces, a sign, digits; the characters it took, 0 for none. A
    // number beyond a long's range saturates, as strtol's does.
    private static int LeadingInteger(string text, out long value)
    {
        value = 0;
        int at = 0;
        while (at < text.Length && char.IsWhiteSpace(text[at]))
        {
            at++;
        }
        bool negative = false;
        if (at < text.Length && text[at] is '+' or '-')
        {
            negative = text[at] == '-';
            at++;
        }
        int start = at;
        while (at < text.Length && char.IsAsciiDigit(text[at]))
        {
            at++;
        }
        if (at == start)
        {
            return 0;
        }
        value = long.TryParse(text.AsSpan(start, at - start), NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) ? parsed : long.MaxValue;
        value = negative ? -value : value;
        return at;
    }
}
