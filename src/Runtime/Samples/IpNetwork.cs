using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// An IP pattern as HAProxy reads one (<c>str2net</c>, <c>str62net</c>): an IPv4 address with a
/// mask in bits or dotted form, or an IPv6 address with a mask in bits; and how a sample address
/// matches it across families (configuration.txt 7.1.6, <c>pat_match_ip</c>).
/// </summary>
public sealed class IpNetwork
{
    private readonly uint _v4;
    private readonly uint _mask4;
    private readonly UInt128 _v6;
    private readonly int _prefix6;

    private IpNetwork(uint v4, uint mask4)
    {
        IsV4 = true;
        _v4 = v4 & mask4;
        _mask4 = mask4;
    }

    private IpNetwork(UInt128 v6, int prefix6)
    {
        _prefix6 = prefix6;
        _v6 = v6 & Mask6(prefix6);
    }

    /// <summary>True for an IPv4 pattern.</summary>
    public bool IsV4 { get; }

    /// <summary>How many leading bits the pattern fixes: the longest is the best match of a map
    /// (HAProxy keeps IP patterns in a longest-prefix tree).</summary>
    public int PrefixLength => IsV4 ? System.Numerics.BitOperations.PopCount(_mask4) : _prefix6;

    /// <summary>Parses <c>addr[/mask]</c>. An abbreviated IPv4 form such as <c>127.1</c> is what
    /// HAProxy's start-time resolution makes of it (<c>inet_aton</c>), unless
    /// <paramref name="noResolve"/> (<c>-n</c>) forbids it as HAProxy does.</summary>
    /// <returns>The pattern, or null with <paramref name="reason"/> set.</returns>
    public static IpNetwork? Parse(string text, bool noResolve, out string? reason)
    {
        reason = null;
        int slash = text.LastIndexOf('/');
        string address = slash < 0 ? text : text[..slash];
        string? mask = slash < 0 ? null : text[(slash + 1)..];
        if (!address.Contains(':', StringComparison.Ordinal))
        {
            uint? mask4 = mask is null ? uint.MaxValue : ParseMask4(mask);
            uint? v4 = DottedQuad(address) ?? (noResolve ? null : AbbreviatedIPv4(address));
            if (mask4 is not null && v4 is not null)
            {
                return new IpNetwork(v4.Value, mask4.Value);
            }
            reason = v4 is null && !noResolve && address.Any(char.IsAsciiLetter)
                ? $"'{text}': host names in IP patterns are not supported by ActorProxy (HAProxy resolves them at start); write the address"
                : $"'{text}' is not a valid IPv4 or IPv6 address";
            return null;
        }
        int prefix = 128;
        if ((mask is not null && (!int.TryParse(mask, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > 128)) ||
            !IPAddress.TryParse(address, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
        {
            reason = $"'{text}' is not a valid IPv4 or IPv6 address";
            return null;
        }
        return new IpNetwork(BinaryPrimitives.ReadUInt128BigEndian(v6.GetAddressBytes()), prefix);
    }

    /// <summary>An IPv4 mask, as a bit count (0 to 32) or in dotted form (<c>str2mask</c>); null when invalid.</summary>
    public static uint? ParseMask4(string text)
    {
        if (text.Contains('.', StringComparison.Ordinal))
        {
            return DottedQuad(text);
        }
        if (text.Length == 0 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int bits) || bits > 32)
        {
            return null;
        }
        return bits == 0 ? 0 : uint.MaxValue << (32 - bits);
    }

    /// <summary>True when <paramref name="sample"/> is in this network: IPv4 in IPv4 directly, IPv4
    /// in IPv6 as <c>::ffff:a.b.c.d</c>, IPv6 in IPv4 when it is <c>::ffff:a.b.c.d</c>,
    /// <c>::a.b.c.d</c> or <c>2002:a.b.c.d::</c>.</summary>
    public bool Contains(IPAddress sample)
    {
        byte[] bytes = sample.GetAddressBytes();
        if (bytes.Length == 4)
        {
            uint v4 = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            return IsV4 ? (v4 & _mask4) == _v4 : ((((UInt128)0xffff << 32) | v4) & Mask6(_prefix6)) == _v6;
        }
        UInt128 v6 = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        if (!IsV4)
        {
            return (v6 & Mask6(_prefix6)) == _v6;
        }
        ulong high = (ulong)(v6 >> 64);
        uint word2 = (uint)(v6 >> 32);
        uint? embedded = high == 0 && (word2 == 0 || word2 == 0xffff) ? (uint)v6
            : (high >> 48) == 0x2002 ? (uint)(high >> 16)
            : null;
        return embedded is { } address && (address & _mask4) == _v4;
    }

    /// <summary>An IPv4 address with <paramref name="mask"/> applied.</summary>
    public static IPAddress Mask(IPAddress v4, uint mask)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, BinaryPrimitives.ReadUInt32BigEndian(v4.GetAddressBytes()) & mask);
        return new IPAddress(bytes);
    }

    /// <summary>An IPv6 address with its first <paramref name="bits"/> bits kept.</summary>
    public static IPAddress Mask(IPAddress v6, int bits)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, BinaryPrimitives.ReadUInt128BigEndian(v6.GetAddressBytes()) & Mask6(bits));
        return new IPAddress(bytes);
    }

    private static UInt128 Mask6(int bits) => bits == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - bits);

    // inet_pton(AF_INET): exactly four decimal parts of 0 to 255.
    private static uint? DottedQuad(string text)
    {
        string[] parts = text.Split('.');
        if (parts.Length != 4)
        {
            return null;
        }
        uint value = 0;
        foreach (string part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0') || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return null;
            }
            value = (value << 8) | uint.Parse(part, CultureInfo.InvariantCulture);
        }
        return value;
    }

    // inet_aton's short forms, decimal only: a.b.c (c is 16 bits), a.b (b is 24 bits), a (32 bits).
    private static uint? AbbreviatedIPv4(string text)
    {
        string[] parts = text.Split('.');
        if (parts.Length is < 1 or > 3 || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit) || p.Length > 10))
        {
            return null;
        }
        ulong[] values = [.. parts.Select(p => ulong.Parse(p, CultureInfo.InvariantCulture))];
        int lastBits = 32 - 8 * (parts.Length - 1);
        if (values[..^1].Any(v => v > 255) || values[^1] >= (1UL << lastBits))
        {
            return null;
        }
        ulong address = 0;
        for (int i = 0; i < values.Length - 1; i++)
        {
            address |= values[i] << (24 - 8 * i);
        }
        return (uint)(address | values[^1]);
    }
}
