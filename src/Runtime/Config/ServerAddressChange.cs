using System.Globalization;
using System.Net;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// What <c>set server … addr ADDR [port PORT]</c> and Lua's <c>Server.set_addr</c> do to a
/// server's address (HAProxy's srv_update_addr_port): the report HAProxy gives, and the address
/// and port the server has after it.
/// </summary>
public static class ServerAddressChange
{
    /// <summary>The report (without its updater), and the server's host and port after the change.</summary>
    public static (string Report, string Host, int Port) Describe(string currentHost, int currentPort, string address, string? port)
    {
        // str2ip2 without resolving: an IPv4 or IPv6 address only.
        if (!IPAddress.TryParse(address, out var parsed))
        {
            return ($"Invalid addr '{address}'", currentHost, currentPort);
        }
        string host = currentHost;
        string report;
        if (IPAddress.TryParse(currentHost, out var known) && known.Equals(parsed))
        {
            report = "no need to change the addr";
        }
        else
        {
            report = $"IP changed from '{currentHost}' to '{address}'";
            host = parsed.ToString();
        }
        if (port is null)
        {
            return (report, host, currentPort);
        }
        report += ", ";
        if (port.StartsWith('+') || port.StartsWith('-'))
        {
            return (report + "port maps ('+PORT', '-PORT') are not supported by ActorProxy", host, currentPort);
        }
        // strtol: the leading digits; none is an error.
        int digits = 0;
        while (digits < port.Length && char.IsAsciiDigit(port[digits]))
        {
            digits++;
        }
        if (digits == 0 || !int.TryParse(port.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            return (report + $"problem converting port '{port}' to an int", host, currentPort);
        }
        int newPort = (ushort)value;
        return newPort == currentPort
            ? (report + "no need to change the port", host, currentPort)
            : (report + $"port changed from '{currentPort}' to '{newPort}'", host, newPort);
    }
}
