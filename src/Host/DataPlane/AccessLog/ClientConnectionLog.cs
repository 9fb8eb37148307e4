using System.Net;
using ActorProxy.Host.Logging;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Logging;
using Microsoft.AspNetCore.Connections;

namespace ActorProxy.Host.DataPlane.AccessLog;

/// <summary>
/// A client connection as its frontend's access log and counters see it: when it was accepted, when its TLS
/// handshake ended, and where the stream of its next request begins (HAProxy resets a session's
/// accept date at the end of each request of a kept-alive connection). As Kestrel connection
/// middleware it writes the lines that are the connection's own: "Connect from" when the
/// frontend logs with no format (HAProxy's connection log), and a <c>&lt;BADREQ&gt;</c> line when
/// a connection closes without a request (unless <c>option dontlognull</c>).
/// </summary>
internal sealed class ClientConnectionLog
{
    private static readonly object Key = new();

    private readonly TimeProvider _time;
    private long _handshakeOver;
    private int _requests;

    private ClientConnectionLog(TimeProvider time)
    {
        _time = time;
        AcceptedAt = time.GetTimestamp();
        StreamStart = AcceptedAt;
        StreamDate = time.GetLocalNow();
    }

    /// <summary>When the connection was accepted (a <see cref="TimeProvider"/> timestamp).</summary>
    public long AcceptedAt { get; }

    /// <summary>Where the next request's stream begins: the accept, then each request's end.</summary>
    public long StreamStart { get; private set; }

    /// <summary>The date of <see cref="StreamStart"/> (left at its default by requests of a
    /// frontend that writes no line).</summary>
    public DateTimeOffset StreamDate { get; private set; }

    /// <summary>The connection's state (every listener has it).</summary>
    public static ClientConnectionLog? Of(IDictionary<object, object?> connectionItems) =>
        connectionItems.TryGetValue(Key, out var value) ? value as ClientConnectionLog : null;

    /// <summary>Notes that the TLS handshake of the connection is over.</summary>
    public static void HandshakeOver(IDictionary<object, object?> connectionItems)
    {
        if (Of(connectionItems) is { } log)
        {
            log._handshakeOver = log._time.GetTimestamp();
        }
    }

    /// <summary>A request of the connection begins: the handshake's milliseconds for the first
    /// (HAProxy's t_handshake), 0 for the others.</summary>
    public int BeginRequest()
    {
        bool first = Interlocked.Increment(ref _requests) == 1;
        return first && _handshakeOver != 0 ? (int)_time.GetElapsedTime(AcceptedAt, _handshakeOver).TotalMilliseconds : 0;
    }

    /// <summary>A request of the connection is over: the next one's stream begins now.</summary>
    public void EndRequest(long now, DateTimeOffset date)
    {
        StreamStart = now;
        StreamDate = date;
    }

    /// <summary>Runs an HTTP or TCP connection of <paramref name="frontend"/> through
    /// <paramref name="next"/>: counted as a session of the frontend, with its lines when it logs.</summary>
    public static async Task GuardAsync(FrontendSettings frontend, AccessLogSink sink, Runtime.Stats.ProxyStats stats, TimeProvider time,
        Func<int> activeConnections, Func<int> frontendConnections, ConnectionContext connection, ConnectionDelegate next)
    {
        var log = new ClientConnectionLog(time);
        connection.Items[Key] = log;
        var counters = stats.Frontend(frontend.Name);
        counters.CountConnection(frontendConnections());
        if (frontend.Mode == ProxyMode.Http)
        {
            // A TCP frontend's session is counted when it ends, unless a tcp-request connection rule refused it.
            counters.CountSession(frontendConnections());
        }
        var settings = frontend.Log;
        if (settings is { Format: null })
        {
            sink.Send(settings.Targets, SyslogLevel.Info, ConnectLine(frontend, connection));
        }
        try
        {
            await next(connection);
        }
        finally
        {
            if (frontend.Mode == ProxyMode.Http && Volatile.Read(ref log._requests) == 0 && RawRequestHeads.AnyByteArrived(connection.Items))
            {
                // Bytes came and no request reached the proxy: the web server refused the head.
                stats.RecordRefusedRequest(frontend.Name);
            }
            if (frontend.Mode == ProxyMode.Http && settings?.Format is { } format && Volatile.Read(ref log._requests) == 0 &&
                !(settings.DontLogNull && !RawRequestHeads.AnyByteArrived(connection.Items)))
            {
                sink.Send(settings.Targets, settings.SeparateErrors ? SyslogLevel.Err : SyslogLevel.Info,
                    format.Render(log.NoRequest(frontend, connection, activeConnections())));
            }
        }
    }

    // HAProxy's session_prepare_log: "Connect from 127.0.0.1:60066 to 127.0.0.1:18080 (fe/HTTP)".
    private static string ConnectLine(FrontendSettings frontend, ConnectionContext connection) =>
        $"Connect from {Describe(connection.RemoteEndPoint)} to {Describe(connection.LocalEndPoint)} ({frontend.Name}/{(frontend.Mode == ProxyMode.Http ? "HTTP" : "TCP")})";

    private static string Describe(EndPoint? endPoint) => endPoint is IPEndPoint ip ? $"{ip.Address}:{ip.Port}" : endPoint?.ToString() ?? "unknown";

    // A connection closed with no request: HAProxy's 400 <BADREQ> line, the client having
    // closed during the request (CR), no timer but the total.
    private AccessLogEntry NoRequest(FrontendSettings frontend, ConnectionContext connection, int active)
    {
        var client = connection.RemoteEndPoint as IPEndPoint;
        var local = connection.LocalEndPoint as IPEndPoint;
        return new AccessLogEntry
        {
            ClientAddress = client?.Address.ToString() ?? "",
            ClientPort = client?.Port ?? 0,
            LocalAddress = local?.Address.ToString() ?? "",
            LocalPort = local?.Port ?? 0,
            Frontend = frontend.Name,
            Tls = TlsTermination.SessionOf(connection.Features),
            AcceptDate = StreamDate,
            Closed = (int)_time.GetElapsedTime(AcceptedAt).TotalMilliseconds,
            Status = 400,
            Termination = new Termination('C', 'R'),
            ActiveConnections = active,
            // With no stream there is nothing captured, and HAProxy prints no braces at all.
            FrontendConnections = 1,
        };
    }
}
