using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>A stream address in HAProxy's forms, as Lua scripts give them (an HTTP client's
/// <c>dst</c>): <c>ipv4@ADDR:PORT</c>, <c>ipv6@[ADDR]:PORT</c>, <c>unix@PATH</c>, or
/// <c>ADDR:PORT</c> and <c>HOST:PORT</c> without a prefix.</summary>
internal static class LuaAddress
{
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
