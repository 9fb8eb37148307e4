using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// The helpers of HAProxy 2.6's <c>core</c> class that work on values (hlua_fcn.c):
/// <c>http_date</c> and its three formats, <c>parse_addr</c>'s parsing, <c>get_info</c>'s fields.
/// <c>tokenize</c> and <c>match_addr</c> are plain Lua in Core.lua.
/// </summary>
internal static class LuaCoreHelpers
{
    private static readonly string[] ShortDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] LongDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly DateTime ProcessStart = DateTime.UtcNow;

    /// <summary>Installs the helpers into <paramref name="state"/>'s <c>core</c> and its internal table.</summary>
    public static void Install(LuaState state, string internalTable)
    {
        state.Expose("core", "http_date", call => ReturnDate(call, Imf(call.GetString(1)) ?? Rfc850(call.GetString(1)) ?? Asctime(call.GetString(1))));
        state.Expose("core", "imf_date", call => ReturnDate(call, Imf(call.GetString(1))));
        state.Expose("core", "rfc850_date", call => ReturnDate(call, Rfc850(call.GetString(1))));
        state.Expose("core", "asctime_date", call => ReturnDate(call, Asctime(call.GetString(1))));
        state.Expose(internalTable, "parse_addr", ParseAddress);
        state.Expose(internalTable, "info", Info);
    }

    private static int ReturnDate(LuaCall call, DateTime? date) =>
        date is { } utc ? call.Return((long)(utc - DateTime.UnixEpoch).TotalSeconds) : call.ReturnNil();

    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the day name is read, not checked against the date).
    private static DateTime? Imf(string text)
    {
        int comma = text.IndexOf(", ", StringComparison.Ordinal);
        return comma == 3 && ShortDays.Contains(text[..3]) ? Exact(text[5..], "dd MMM yyyy HH:mm:ss 'GMT'") : null;
    }

    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; a year below 70 is in 2000s, as HAProxy reads it.
    private static DateTime? Rfc850(string text)
    {
        int comma = text.IndexOf(", ", StringComparison.Ordinal);
        if (comma < 0 || !LongDays.Contains(text[..comma]) || Exact(text[(comma + 2)..], "dd-MMM-yy HH:mm:ss 'GMT'") is not { } date)
        {
            return null;
        }
        int year = date.Year % 100;
        return date.AddYears((year < 70 ? 2000 + year : 1900 + year) - date.Year);
    }

    // asctime: "Sun Nov  6 08:49:37 1994".
    private static DateTime? Asctime(string text) =>
        text.Length > 4 && ShortDays.Contains(text[..3]) && text[3] == ' '
            ? Exact(text[4..], "MMM d HH:mm:ss yyyy", DateTimeStyles.AllowInnerWhite) ?? Exact(text[4..], "MMM  d HH:mm:ss yyyy")
            : null;

    private static DateTime? Exact(string text, string format, DateTimeStyles extra = DateTimeStyles.None) =>
        DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal | extra, out var date) ? date : null;

    // parse_addr(text) → family (4 or 6), then the address and the mask as 32-bit words, most
    // significant first; nil when it is no address or network (str2net, str62net).
    private static int ParseAddress(LuaCall call)
    {
        string text = call.GetString(1);
        int slash = text.LastIndexOf('/');
        string address = slash < 0 ? text : text[..slash];
        if (!address.Contains(':', StringComparison.Ordinal))
        {
            uint? mask = slash < 0 ? uint.MaxValue : IpNetwork.ParseMask4(text[(slash + 1)..]);
            if (mask is null || IpNetwork.Parse(address, noResolve: false, out _) is null ||
                !IPAddress.TryParse(address.Count(c => c == '.') == 3 ? address : Expand(address), out var v4))
            {
                return call.ReturnNil();
            }
            return call.Return(4L) + call.Return(BinaryPrimitives.ReadUInt32BigEndian(v4.GetAddressBytes())) + call.Return((long)mask.Value);
        }
        int prefix = 128;
        if ((slash >= 0 && (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > 128)) ||
            !IPAddress.TryParse(address, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return call.ReturnNil();
        }
        byte[] bytes = v6.GetAddressBytes();
        int results = call.Return(6L);
        for (int i = 0; i < 4; i++)
        {
            results += call.Return(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(i * 4)));
        }
        for (int i = 0; i < 4; i++)
        {
            int bits = Math.Clamp(prefix - 32 * i, 0, 32);
            results += call.Return(bits == 0 ? 0L : (long)(uint.MaxValue << (32 - bits)));
        }
        return results;
    }

    // inet_aton's short forms ("127.1" is 127.0.0.1), which HAProxy's resolution accepts.
    private static string Expand(string abbreviated)
    {
        string[] parts = abbreviated.Split('.');
        ulong last = ulong.Parse(parts[^1], CultureInfo.InvariantCulture);
        var bytes = parts[..^1].Select(p => byte.Parse(p, CultureInfo.InvariantCulture)).ToList();
        for (int shift = 8 * (3 - bytes.Count); shift >= 0; shift -= 8)
        {
            bytes.Add((byte)(last >> shift));
        }
        return string.Join('.', bytes);
    }

    // info() → name, value, … : the fields of get_info that ActorProxy can fill truthfully.
    private static int Info(LuaCall call)
    {
        var uptime = DateTime.UtcNow - ProcessStart;
        return call.Return("Name") + call.Return("ActorProxy") +
            call.Return("Version") + call.Return(typeof(LuaCoreHelpers).Assembly.GetName().Version?.ToString() ?? "") +
            call.Return("Pid") + call.Return((long)Environment.ProcessId) +
            call.Return("Uptime") + call.Return($"{(int)uptime.TotalDays}d {uptime.Hours}h{uptime.Minutes:00}m{uptime.Seconds:00}s") +
            call.Return("Uptime_sec") + call.Return((long)uptime.TotalSeconds);
    }
}
