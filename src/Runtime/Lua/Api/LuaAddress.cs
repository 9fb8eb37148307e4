using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>A stream address in HAProxy's forms, as Lua scripts give them (an HTTP client's
/// <c>dst</c>, a Socket's <c>connect</c>): <c>ipv4@ADDR:PORT</c>, <c>ipv6@[ADDR]:PORT</c>,
/// <c>unix@PATH</c>, or <c>ADDR:PORT</c> (and for the HTTP client <c>HOST:PORT</c>) without a prefix.</summary>
internal static class LuaAddress
{
    /// <summary>Where <c>Socket:connect(address[, port])</c> connects, read as HAProxy's
    /// <c>hlua_socket_connect</c> reads it: a port argument is written after the address and a
    /// colon, so that an IPv6 address needs no brackets; else the address's own port. Names are
    /// not resolved. Null with HAProxy's error when it names nothing.</summary>
    public static EndPoint? ForSocket(string address, long? port, out string? error)
    {
        error = null;
        string text = port > 0 ? address + ":" : address;
        if (text.StartsWith("unix@", StringComparison.Ordinal) && text.Length > 5)
        {
            return new UnixDomainSocketEndPoint(text[5..]);
        }
        int at = text.IndexOf('@');
        string family = at < 0 ? "" : text[..at];
        string hostPort = text[(at + 1)..];
        int colon = hostPort.LastIndexOf(':');
        string host = colon < 0 ? hostPort : hostPort[..colon];
        string portText = colon < 0 ? "" : hostPort[(colon + 1)..];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        if (family is not ("" or "ipv4" or "ipv6") || !IPAddress.TryParse(host, out var ip) ||
            (family == "ipv4" && ip.AddressFamily != AddressFamily.InterNetwork) || (family == "ipv6" && ip.AddressFamily != AddressFamily.InterNetworkV6))
        {
            error = $"connect: cannot parse destination address '{text}'";
            return null;
        }
        if (portText.Length == 0)
        {
            if (port is not > 0)
            {
                error = "connect: port missing";
                return null;
            }
            // HAProxy keeps the low 16 bits (htons).
            return new IPEndPoint(ip, (int)(port.Value & 0xFFFF));
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int own) || own > 65535)
        {
            error = $"connect: cannot parse destination address '{text}'";
            return null;
        }
        return new IPEndPoint(ip, own);
    }

    /// <summary>The end point <paramref name="address"/> names, or null when it names none.</summary>
    public static EndPoint? Parse(string address)
    {
        if (address.StartsWith("unix@", StringComparison.Ordinal))
        {
            return address.Length > 5 ? new UnixDomainSocketEndPoint(address[5..]) : null;
        }
        int at = address.IndexOf('@');
        string family = at < 0 ? "" : address[..at];
        if (family is not ("" or "ipv4" or "ipv6"))
        {
            return null;
        }
        string hostPort = address[(at + 1)..];
        int colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            return null;
        }
        string host = hostPort[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        if (IPAddress.TryParse(host, out var ip))
        {
            bool fits = family switch
            {
                "ipv4" => ip.AddressFamily == AddressFamily.InterNetwork,
                "ipv6" => ip.AddressFamily == AddressFamily.InterNetworkV6,
                _ => true,
            };
            return fits ? new IPEndPoint(ip, port) : null;
        }
        return family == "" && Uri.CheckHostName(host) == UriHostNameType.Dns ? new DnsEndPoint(host, port) : null;
    }
}
