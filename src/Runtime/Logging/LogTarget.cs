using System.Globalization;
using System.Net;

namespace ActorProxy.Runtime.Logging;

/// <summary>
/// One <c>log</c> line of HAProxy 2.6: <c>ADDRESS [len N] [format F] FACILITY [LEVEL [MINLEVEL]]</c>.
/// A message goes to the target when its level is at most <see cref="MaxLevel"/> (more severe
/// levels are smaller numbers), and is sent at no less than <see cref="MinLevel"/>'s severity.
/// </summary>
/// <param name="Kind">Where messages go.</param>
/// <param name="EndPoint">The syslog server of a <see cref="LogTargetKind.Udp"/> target.</param>
/// <param name="Path">The socket or file of a <see cref="LogTargetKind.UnixDatagram"/> or <see cref="LogTargetKind.File"/> target.</param>
/// <param name="MaxLength">The longest message, header included (<c>len</c>; HAProxy's default 1024).</param>
/// <param name="Format">The header before each message (<c>format</c>; rfc3164 unless set).</param>
/// <param name="Facility">The syslog facility.</param>
/// <param name="MaxLevel">The least severe level sent (HAProxy's default: debug, everything).</param>
/// <param name="MinLevel">The most severe level sent as is; a more severe one is sent at this level.</param>
public sealed record LogTarget(LogTargetKind Kind, IPEndPoint? EndPoint, string? Path, int MaxLength, LogHeaderFormat Format, int Facility, int MaxLevel, int MinLevel)
{
    /// <summary>HAProxy's MAX_SYSLOG_LEN.</summary>
    public const int DefaultMaxLength = 1024;

    private const int SyslogPort = 514;

    private static readonly Dictionary<string, LogHeaderFormat> Formats = new(StringComparer.Ordinal)
    {
        ["rfc3164"] = LogHeaderFormat.Rfc3164,
        ["local"] = LogHeaderFormat.Local,
        ["rfc5424"] = LogHeaderFormat.Rfc5424,
        ["priority"] = LogHeaderFormat.Priority,
        ["short"] = LogHeaderFormat.LevelOnly,
        ["timed"] = LogHeaderFormat.Timed,
        ["iso"] = LogHeaderFormat.Iso,
        ["raw"] = LogHeaderFormat.Raw,
    };

    /// <summary>Where it sends, as written in a message about it.</summary>
    public string Name => Kind switch
    {
        LogTargetKind.Udp => EndPoint!.ToString(),
        LogTargetKind.Stdout => "stdout",
        LogTargetKind.Stderr => "stderr",
        _ => Path!,
    };

    /// <summary>Reads what follows <c>log</c>; a relative path is from <paramref name="baseDirectory"/>.
    /// Throws <see cref="FormatException"/> with HAProxy's words where it has them.</summary>
    public static LogTarget Parse(string text, string baseDirectory)
    {
        string[] words = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2)
        {
            throw new FormatException("expects <address> and <facility> as arguments");
        }
        int next = 1;
        int maxLength = DefaultMaxLength;
        if (words[next] == "len")
        {
            string value = next + 1 < words.Length ? words[next + 1] : "";
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out maxLength) || maxLength is < 80 or > 65535)
            {
                throw new FormatException($"invalid log length '{value}', must be between 80 and 65535");
            }
            next += 2;
        }
        var format = LogHeaderFormat.Rfc3164;
        if (next < words.Length && words[next] == "format")
        {
            string value = next + 1 < words.Length ? words[next + 1] : "";
            format = Formats.TryGetValue(value, out var known) ? known : throw new FormatException($"unknown log format '{value}'");
            next += 2;
        }
        if (next < words.Length && words[next] == "sample")
        {
            throw new FormatException("'sample' (sending one message in N to each target) is not supported by ActorProxy; remove it");
        }
        if (next >= words.Length)
        {
            throw new FormatException("expects <address> and <facility> as arguments");
        }
        int facility = SyslogFacility.Parse(words[next]);
        if (facility < 0)
        {
            throw new FormatException($"unknown log facility '{words[next]}'");
        }
        next++;
        int maxLevel = 7;
        int minLevel = 0;
        if (next < words.Length)
        {
            maxLevel = SyslogLevel.Parse(words[next]);
            if (maxLevel < 0)
            {
                throw new FormatException($"unknown optional log level '{words[next]}'");
            }
            next++;
        }
        if (next < words.Length)
        {
            minLevel = SyslogLevel.Parse(words[next]);
            if (minLevel < 0)
            {
                throw new FormatException($"unknown optional minimum log level '{words[next]}'");
            }
            next++;
        }
        if (next < words.Length)
        {
            throw new FormatException($"cannot handle unexpected argument '{words[next]}'");
        }
        var (kind, endPoint, path) = Address(words[0], baseDirectory);
        return new LogTarget(kind, endPoint, path, maxLength, format, facility, maxLevel, minLevel);
    }

    // HAProxy's address forms for a log target (str2sa_range with a datagram default).
    private static (LogTargetKind, IPEndPoint?, string?) Address(string address, string baseDirectory)
    {
        switch (address)
        {
            case "stdout" or "fd@1":
                return (LogTargetKind.Stdout, null, null);
            case "stderr" or "fd@2":
                return (LogTargetKind.Stderr, null, null);
        }
        if (address.StartsWith("file@", StringComparison.Ordinal) && address.Length > 5)
        {
            return (LogTargetKind.File, null, System.IO.Path.GetFullPath(address[5..], baseDirectory));
        }
        if (address.StartsWith("unix@", StringComparison.Ordinal) && address.Length > 5)
        {
            return (LogTargetKind.UnixDatagram, null, System.IO.Path.GetFullPath(address[5..], baseDirectory));
        }
        if (address.StartsWith('/'))
        {
            return (LogTargetKind.UnixDatagram, null, address);
        }
        int at = address.IndexOf('@');
        string prefix = at < 0 ? "" : address[..at];
        if (prefix is not ("" or "udp" or "udp4" or "udp6" or "ipv4" or "ipv6"))
        {
            throw new FormatException(prefix is "ring" or "tcp" or "tcp4" or "tcp6" or "fd" or "sockpair" or "abns" or "quic4" or "quic6"
                ? $"log target '{address}': ActorProxy sends logs over UDP, to a Unix datagram socket, to stdout or stderr, or to a file (file@PATH); '{prefix}@' is not supported"
                : $"log target '{address}': unknown address family '{prefix}@'");
        }
        string hostPort = address[(at + 1)..];
        return (LogTargetKind.Udp, EndPointOf(hostPort, address), null);
    }

    private static IPEndPoint EndPointOf(string hostPort, string address)
    {
        string host = hostPort;
        int port = SyslogPort;
        int colon = hostPort.LastIndexOf(':');
        bool bracketed = hostPort.StartsWith('[');
        if (colon > 0 && (bracketed ? hostPort[colon - 1] == ']' : hostPort.IndexOf(':') == colon))
        {
            if (!int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                throw new FormatException($"log target '{address}': invalid port '{hostPort[(colon + 1)..]}'");
            }
            host = hostPort[..colon];
        }
        host = host.Trim('[', ']');
        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }
        try
        {
            var resolved = Dns.GetHostAddresses(host);
            return resolved.Length > 0
                ? new IPEndPoint(resolved[0], port)
                : throw new FormatException($"log target '{address}': could not resolve address '{host}'");
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new FormatException($"log target '{address}': could not resolve address '{host}': {e.Message}");
        }
    }
}
