using System.Globalization;
using System.Net;
using System.Text;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// HAProxy's sample casts (<c>sample_casts[from][to]</c> in sample.c): which types convert into
/// which, and how. A string becomes an integer by its leading digits (<c>read_int64</c>), an
/// address by parsing, bytes by its UTF-8 encoding; bytes become a string as UTF-8 when they are
/// valid UTF-8, else byte for byte (Latin-1).
/// </summary>
public static class SampleValue
{
    /// <summary>The type of a sample value.</summary>
    public static SampleType TypeOf(object value) => value switch
    {
        bool => SampleType.Bool,
        long => SampleType.SInt,
        IPAddress => SampleType.Ip,
        byte[] => SampleType.Bin,
        _ => SampleType.Str,
    };

    /// <summary>True when a sample of type <paramref name="from"/> can be cast to <paramref name="to"/>.</summary>
    public static bool CanCast(SampleType from, SampleType to) => (from, to) switch
    {
        (_, SampleType.Any) or (SampleType.Any, _) => true,
        _ when from == to => true,
        (SampleType.Bool, SampleType.SInt or SampleType.Str or SampleType.Bin) => true,
        (SampleType.SInt, SampleType.Bool or SampleType.Ip or SampleType.Str or SampleType.Bin) => true,
        (SampleType.Ip, SampleType.SInt or SampleType.Str or SampleType.Bin) => true,
        (SampleType.Str, _) => true,
        (SampleType.Bin, SampleType.Str) => true,
        _ => false,
    };

    /// <summary>Casts <paramref name="value"/> to <paramref name="to"/>; null when the cast fails
    /// (an empty string to an integer, a string that is no address).</summary>
    public static object? Cast(object value, SampleType to)
    {
        if (to == SampleType.Any || TypeOf(value) == to)
        {
            return value;
        }
        return to switch
        {
            SampleType.Bool => ToLong(value) is { } n ? n != 0 : null,
            SampleType.SInt => ToLong(value),
            SampleType.Ip => ToAddress(value),
            SampleType.Str => AsString(value),
            _ => AsBytes(value),
        };
    }

    /// <summary>A sample as text, as HAProxy prints it in a log-format string or a header.</summary>
    public static string AsString(object value) => value switch
    {
        string s => s,
        long n => n.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        IPAddress ip => ip.ToString(),
        byte[] bytes => BytesToString(bytes),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>A sample as bytes.</summary>
    public static byte[] AsBytes(object value) => value switch
    {
        byte[] bytes => bytes,
        IPAddress ip => ip.GetAddressBytes(),
        long n => BigEndian(n),
        bool b => BigEndian(b ? 1 : 0),
        _ => Encoding.UTF8.GetBytes(AsString(value)),
    };

    /// <summary>Text from bytes: UTF-8 when they are valid UTF-8, else one character per byte.</summary>
    public static string BytesToString(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>The sample as an integer: booleans as 0 or 1, strings by their leading sign and
    /// digits (HAProxy's <c>read_int64</c>: "12ab" is 12, "ab" is 0, "" fails), IPv4 addresses as
    /// their 32-bit value.</summary>
    public static long? ToLong(object value) => value switch
    {
        long n => n,
        bool b => b ? 1 : 0,
        string s => s.Length == 0 ? null : ReadInt64(s, out _),
        IPAddress { AddressFamily: System.Net.Sockets.AddressFamily.InterNetwork } ip =>
            System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(ip.GetAddressBytes()),
        byte[] bytes => bytes.Length == 0 ? null : ReadInt64(BytesToString(bytes), out _),
        _ => null,
    };

    /// <summary>HAProxy's <c>read_int64</c>: an optional sign, then digits up to the first
    /// non-digit, saturating; <paramref name="used"/> is how many characters were read.</summary>
    public static long ReadInt64(ReadOnlySpan<char> text, out int used)
    {
        int i = 0;
        bool negative = false;
        if (i < text.Length && text[i] is '-' or '+')
        {
            negative = text[i] == '-';
            i++;
        }
        ulong magnitude = 0;
        bool overflow = false;
        for (; i < text.Length && char.IsAsciiDigit(text[i]); i++)
        {
            ulong next = magnitude * 10 + (ulong)(text[i] - '0');
            overflow |= next / 10 != magnitude;
            magnitude = next;
        }
        used = i;
        if (negative)
        {
            return overflow || magnitude > 0x8000000000000000UL ? long.MinValue : (long)(0 - magnitude);
        }
        return overflow || magnitude > long.MaxValue ? long.MaxValue : (long)magnitude;
    }

    // c_int2bin: the integer's eight bytes, most significant first.
    private static byte[] BigEndian(long n)
    {
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, n);
        return bytes;
    }

    private static IPAddress? ToAddress(object value) => value switch
    {
        long n => IPv4((uint)n),
        _ => IPAddress.TryParse(AsString(value).AsSpan().Trim(), out var ip) ? ip : null,
    };

    private static IPAddress IPv4(uint address)
    {
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return new IPAddress(bytes);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
