using System.Globalization;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// A request to change a server's maxconn, as <c>set maxconn server B/S N</c> and Lua's
/// <c>Server.set_maxconn</c> give it (HAProxy's server_parse_maxconn_change_request).
/// </summary>
public static class ServerMaxConnChange
{
    /// <summary>The maxconn <paramref name="request"/> asks for; or, in <paramref name="error"/>,
    /// HAProxy's words for why not.</summary>
    public static int? Parse(string request, out string? error)
    {
        error = null;
        if (request.Length == 0)
        {
            error = "Require <maxconn>.\n";
            return null;
        }
        // strtol(…, 10): spaces, a sign, digits, and nothing after them.
        string number = request.TrimStart();
        int digits = number.Length > 0 && number[0] is '+' or '-' ? 1 : 0;
        while (digits < number.Length && char.IsAsciiDigit(number[digits]))
        {
            digits++;
        }
        if (digits == 0 || !char.IsAsciiDigit(number[digits - 1]))
        {
            error = "maxconn string empty or preceded by garbage";
            return null;
        }
        if (digits < number.Length)
        {
            error = "Trailing garbage in maxconn string";
            return null;
        }
        // HAProxy keeps it in an int: a larger number is as good as no limit it could reach.
        return long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? (int)Math.Clamp(value, int.MinValue, int.MaxValue)
            : number[0] == '-' ? int.MinValue : int.MaxValue;
    }
}
