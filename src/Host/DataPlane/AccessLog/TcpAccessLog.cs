using System.Net;
using ActorProxy.Host.Logging;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Logging;
using Microsoft.AspNetCore.Connections;

namespace ActorProxy.Host.DataPlane.AccessLog;

/// <summary>
/// The access log entry of one connection of a TCP frontend (<c>option tcplog</c>): started when
/// the connection is handed to the frontend, filled in as its rules, its server connection and
/// its relay go; when it closes it is counted, and written when the frontend logs.
/// </summary>
internal sealed class TcpAccessLog
{
    private readonly AccessLogSettings? _settings;
    private readonly Runtime.Stats.ProxyStats _stats;
    private readonly AccessLogSink _sink;
    private readonly TimeProvider _time;
    private readonly long _start;
    private long _bytesIn;
    private long _bytesOut;
    private bool _discarded;

    private TcpAccessLog(AccessLogSettings? settings, AccessLogSink sink, Runtime.Stats.ProxyStats stats, TimeProvider time, ClientConnectionLog connection,
        AccessLogEntry entry)
    {
        _settings = settings;
        _stats = stats;
        _sink = sink;
        _time = time;
        _start = connection.AcceptedAt;
        Entry = entry;
    }

    /// <summary>The line's content.</summary>
    public AccessLogEntry Entry { get; }

    /// <summary>The entry of <paramref name="connection"/>, or null for a connection that did not
    /// pass through <see cref="ClientConnectionLog"/>.</summary>
    public static TcpAccessLog? Start(FrontendSettings frontend, ConnectionContext connection, AccessLogSink sink, Runtime.Stats.ProxyStats stats, TimeProvider time)
    {
        if (ClientConnectionLog.Of(connection.Items) is not { } log)
        {
            return null;
        }
        var settings = frontend.Log is { Format: not null } logs ? logs : null;
        var client = connection.RemoteEndPoint as IPEndPoint;
        var local = connection.LocalEndPoint as IPEndPoint;
        return new TcpAccessLog(settings, sink, stats, time, log, new AccessLogEntry
        {
            ClientAddress = client?.Address.ToString() ?? "",
            ClientPort = client?.Port ?? 0,
            LocalAddress = local?.Address.ToString() ?? "",
            LocalPort = local?.Port ?? 0,
            Frontend = frontend.Name,
            Tls = TlsTermination.SessionOf(connection.Features),
            AcceptDate = log.StreamDate,
            Handshake = log.BeginRequest(),
        });
    }

    /// <summary>A Lua service serves the connection: the applet is its server, reached at once.</summary>
    public void Serving(string service)
    {
        Entry.Server = $"<lua.{service}>";
        Entry.RequestReceived = Entry.Queued = Entry.Connected = Elapsed();
    }

    /// <summary>The rules chose <paramref name="backend"/>; a server is being reached.</summary>
    public void Connecting(string backend)
    {
        Entry.Backend = backend;
        Entry.Queued = Elapsed();
    }

    /// <summary>Connected to <paramref name="server"/> at <paramref name="address"/>.</summary>
    public void Connected(string server, IPEndPoint? address)
    {
        Entry.Server = server;
        Entry.ServerAddress = address;
        Entry.Connected = Elapsed();
    }

    /// <summary>No server could be reached (HAProxy's SC).</summary>
    public void NotConnected()
    {
        // A wait in the queue that ended is why, when it did (sQ).
        if (Entry.Termination == Termination.Normal)
        {
            Entry.Termination = new Termination('S', 'C');
        }
    }

    /// <summary>The connection left the backend's queue as the <paramref name="position"/>-th to
    /// leave since it entered (<c>%bq</c>; 0: it never waited).</summary>
    public void LeftQueue(long position)
    {
        if (position > 0)
        {
            Entry.Queued = Elapsed();
            Entry.BackendQueuePosition = position;
        }
    }

    /// <summary>Its server's sessions were shut (<c>shut_sess</c>): HAProxy's K-.</summary>
    public void Killed() => Entry.Termination = new Termination('K', '-');

    /// <summary>No server had a slot free within <c>timeout queue</c> (sQ).</summary>
    public void QueueTimedOut() => Entry.Termination = new Termination('s', 'Q');

    /// <summary>A <c>tcp-request content</c> rule closed it (PR).</summary>
    public void Rejected() => Entry.Termination = new Termination('P', 'R');

    /// <summary>No line for this connection (HAProxy has no session at <c>tcp-request connection</c>).</summary>
    public void Discard() => _discarded = true;

    /// <summary>Counts <paramref name="bytes"/> from the client.</summary>
    public void FromClient(int bytes) => Interlocked.Add(ref _bytesIn, bytes);

    /// <summary>Counts <paramref name="bytes"/> to the client.</summary>
    public void ToClient(int bytes) => Interlocked.Add(ref _bytesOut, bytes);

    /// <summary>The connection is over: it is counted, and the line goes out, unless <c>option
    /// dontlognull</c> and the client sent nothing.</summary>
    public void End(int activeConnections, int frontendConnections)
    {
        Entry.Closed = Elapsed();
        Entry.BytesIn = Interlocked.Read(ref _bytesIn);
        Entry.BytesOut = Interlocked.Read(ref _bytesOut);
        Entry.ActiveConnections = activeConnections;
        Entry.FrontendConnections = frontendConnections;
        if (_discarded)
        {
            _stats.Frontend(Entry.Frontend).CountDeniedConnection();
            return;
        }
        _stats.RecordTcp(Entry);
        if (_settings is null || (_settings.DontLogNull && Entry.BytesIn == 0))
        {
            return;
        }
        if (AccessLogLevel.Of(_settings, Entry) is { } level)
        {
            _sink.Send(_settings.Targets, level, _settings.Format!.Render(Entry));
        }
    }

    private int Elapsed() => (int)_time.GetElapsedTime(_start).TotalMilliseconds;
}
