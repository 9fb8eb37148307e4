using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Stick;

/// <summary>
/// A stick table's key as HAProxy stores it (smp_to_stkey, stksess_setkey): an address, a 32-bit
/// integer, a string cut at the table's length or bytes padded to it, held as text so that every
/// node of the cluster names an entry the same way.
/// </summary>
public static class StickKey
{
    /// <summary>The key a sample makes in a table of <paramref name="settings"/>, or null when it
    /// makes none (an IPv6 address in an <c>ip</c> table, a string that is no integer).</summary>
    public static string? FromSample(object sample, StickTableSettings settings) => settings.Type switch
    {
        StickKeyType.Ip => SampleValue.Cast(sample, SampleType.Ip) is IPAddress address ? Ipv4(address) : null,
        StickKeyType.Ipv6 => SampleValue.Cast(sample, SampleType.Ip) is IPAddress address ? Ipv6(address) : null,
        StickKeyType.Number => SampleValue.Cast(sample, SampleType.SInt) is long n ? ((uint)n).ToString(CultureInfo.InvariantCulture) : null,
        StickKeyType.Text => Cut(SampleValue.AsString(sample), settings.KeyLength),
        _ => Convert.ToHexString(Padded(SampleValue.AsBytes(sample), settings.KeyLength)),
    };

    /// <summary>The key typed by an operator (<c>show table … key K</c>, Lua's <c>lookup</c>), or null
    /// when it is not one of the table's type. An IPv4 key is read as HAProxy's inetaddr_host
    /// reads it: its leading dotted numbers, missing ones 0 (<c>1.2.3</c> is 1.2.3.0, a word 0.0.0.0).</summary>
    public static string? Parse(string text, StickTableSettings settings) => settings.Type switch
    {
        StickKeyType.Ip => LeadingIpv4(text),
        StickKeyType.Ipv6 => IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? address.ToString() : null,
        StickKeyType.Number => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint n) ? n.ToString(CultureInfo.InvariantCulture) : null,
        StickKeyType.Text => Cut(text, settings.KeyLength),
        _ => Hex(text, settings.KeyLength),
    };

    /// <summary>The key as <c>show table</c> prints it (dump_text escapes a string's spaces,
    /// <c>=</c>, <c>\</c> and what is not printable ASCII).</summary>
    public static string Display(string key, StickKeyType type)
    {
        if (type != StickKeyType.Text)
        {
            return key;
        }
        var text = new StringBuilder(key.Length);
        foreach (byte c in Encoding.UTF8.GetBytes(key))
        {
            switch (c)
            {
                case (byte)' ' or (byte)'=' or (byte)'\\':
                    text.Append('\\').Append((char)c);
                    break;
                case (byte)'\t': text.Append("\\t"); break;
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                case 0x1b: text.Append("\\e"); break;
                case > 0x20 and < 0x7f: text.Append((char)c); break;
                default: text.Append("\\x").Append(c.ToString("X2", CultureInfo.InvariantCulture)); break;
            }
        }
        return text.ToString();
    }

    private static string LeadingIpv4(string text)
    {
        var octets = new byte[4];
        int octet = 0, value = 0;
        foreach (char c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                value = value * 10 + (c - '0');
            }
            else if (c == '.' && octet < 3)
            {
                octets[octet++] = (byte)value;
                value = 0;
            }
            else
            {
                break;
            }
        }
        octets[octet] = (byte)value;
        return new IPAddress(octets).ToString();
    }

    private static string? Ipv4(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
        ? address.ToString()
        : address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : null;

    private static string Ipv6(IPAddress address) =>
        (address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : address).ToString();

    // A string key keeps its first bytes, up to the table's length.
    private static string Cut(string text, int length)
    {
        int end = text.IndexOf('\0', StringComparison.Ordinal);
        if (end >= 0)
        {
            text = text[..end];
        }
        if (Encoding.UTF8.GetByteCount(text) <= length)
        {
            return text;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return SampleValue.BytesToString(bytes.AsSpan(0, length));
    }

    private static byte[] Padded(byte[] bytes, int length)
    {
        var key = new byte[length];
        bytes.AsSpan(0, Math.Min(length, bytes.Length)).CopyTo(key);
        return key;
    }

    private static string? Hex(string text, int length)
    {
        try
        {
            return text.Length % 2 == 0 && text.Length / 2 <= length ? Convert.ToHexString(Padded(Convert.FromHexString(text), length)) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
