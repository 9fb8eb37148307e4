using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Logging;

namespace ActorProxy.Runtime.Stats;

/// <summary>
/// The node's counters: one <see cref="ProxyCounters"/> per frontend, backend and server of the
/// configuration, fed at the end of each stream from what its access log entry says of it (as
/// HAProxy feeds its counters and its log from the same stream state).
/// </summary>
public sealed class ProxyStats
{
    private readonly Dictionary<string, ProxyCounters> _frontends;
    private readonly Dictionary<string, ProxyCounters> _backends;
    private readonly Dictionary<(string Backend, string Server), ProxyCounters> _servers;

    /// <summary>Counters for every proxy and server of <paramref name="config"/>, all zero.</summary>
    public ProxyStats(ProxyConfig config, TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        Started = Time.GetUtcNow();
        _frontends = config.Frontends.ToDictionary(f => f.Name, _ => new ProxyCounters(Time), StringComparer.Ordinal);
        _backends = config.Backends.ToDictionary(b => b.Name, _ => new ProxyCounters(Time), StringComparer.Ordinal);
        _servers = config.Backends.SelectMany(b => b.Servers.Select(s => (b.Name, s.Name))).ToDictionary(k => k, _ => new ProxyCounters(Time));
    }

    /// <summary>The counters' clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>When counting began (the node's start).</summary>
    public DateTimeOffset Started { get; }

    /// <summary>HTTP requests of every frontend (HAProxy's <c>CumReq</c>).</summary>
    public long Requests => _frontends.Values.Sum(f => f.Requests);

    /// <summary>A frontend's counters.</summary>
    public ProxyCounters Frontend(string name) => _frontends[name];

    /// <summary>A backend's counters, or null for a name the configuration does not have.</summary>
    public ProxyCounters? Backend(string name) => _backends.GetValueOrDefault(name);

    /// <summary>A server's counters, or null.</summary>
    public ProxyCounters? Server(string backend, string server) => _servers.GetValueOrDefault((backend, server));

    /// <summary>Counts an HTTP stream that is over, from its entry. <paramref name="malformed"/>
    /// when the request was refused as HAProxy's parser refuses it.</summary>
    public void RecordHttp(AccessLogEntry entry, bool malformed)
    {
        var frontend = Frontend(entry.Frontend);
        frontend.CountBytes(entry.BytesIn, entry.BytesOut);
        if (entry.Status > 0)
        {
            frontend.CountResponse(entry.Status);
        }
        var ended = entry.Termination;
        if (malformed)
        {
            frontend.CountRequestError();
            return;
        }
        switch (ended)
        {
            case ('P', 'R'):
                frontend.CountDenied();
                return;
            case ('P', 'H'):
                frontend.CountDeniedResponse();
                break;
            case ('L', 'R'):
                frontend.CountIntercepted();
                return;
            case ('I', _):
                frontend.CountInternalError();
                break;
        }
        if (entry.Backend is not { } name || Backend(name) is not { } backend)
        {
            return;
        }
        var server = entry.Server is { } s ? Server(name, s) : null;
        foreach (var (counters, current) in server is null ? [(backend, entry.BackendConnections)] : new[] { (backend, entry.BackendConnections), (server, entry.ServerConnections) })
        {
            counters.CountSession(current);
            // A server counts the requests it was sent: none when it could not be reached.
            if (counters == backend || ended != new Termination('S', 'C'))
            {
                counters.CountRequest();
            }
            counters.CountBytes(entry.BytesIn, entry.BytesOut);
            // A server counts only the answers it gave; its backend also those given in its name
            // (a 503 when it could not be reached).
            if (entry.Status > 0 && (counters == backend || entry.ResponseReceived >= 0))
            {
                counters.CountResponse(entry.Status);
            }
            if (server is not null)
            {
                counters.CountLoadBalanced();
            }
            if (entry.Redispatched)
            {
                counters.CountRedispatch();
            }
            switch (ended)
            {
                case ('S', 'C'):
                    // HAProxy counts the attempt with the connections made.
                    counters.CountConnectionError();
                    counters.CountConnect(reused: false);
                    break;
                case ('s', 'Q'):
                    // A queue timeout counts as a failed connection (back_handle_st_que).
                    counters.CountConnectionError();
                    break;
                case ('S' or 's', 'H'):
                    counters.CountResponseError();
                    break;
                case ('S' or 's', 'D'):
                    counters.CountResponseError();
                    counters.CountServerAbort();
                    break;
                case ('C' or 'c', 'D'):
                    counters.CountClientAbort();
                    break;
                case ('I', _):
                    counters.CountInternalError();
                    break;
            }
            AddTimes(counters, entry, entry.ResponseReceived);
        }
    }

    /// <summary>Counts a request the web server refused before any rule saw it (a malformed head:
    /// its 400 is the web server's), as HAProxy counts one its parser refuses.</summary>
    public void RecordRefusedRequest(string frontendName)
    {
        var frontend = Frontend(frontendName);
        frontend.CountRequest();
        frontend.CountResponse(400);
        frontend.CountRequestError();
    }

    /// <summary>Notes the requests in flight to a backend and its server as one more leaves for
    /// it, for their <see cref="ProxyCounters.MaxSessions"/>.</summary>
    public void NoteInFlight(string backend, string server, int toBackend, int toServer)
    {
        Backend(backend)?.NoteCurrent(toBackend);
        Server(backend, server)?.NoteCurrent(toServer);
    }

    /// <summary>A request left for <paramref name="server"/> over a new connection, or one kept open.</summary>
    public void CountConnect(string backend, string server, bool reused)
    {
        Backend(backend)?.CountConnect(reused);
        Server(backend, server)?.CountConnect(reused);
    }

    /// <summary>Counts a TCP frontend's session that is over, from its entry.</summary>
    public void RecordTcp(AccessLogEntry entry)
    {
        var frontend = Frontend(entry.Frontend);
        frontend.CountSession(entry.FrontendConnections);
        frontend.CountBytes(entry.BytesIn, entry.BytesOut);
        if (entry.Backend is not { } name || Backend(name) is not { } backend)
        {
            return;
        }
        var server = entry.Server is { } s ? Server(name, s) : null;
        foreach (var counters in server is null ? [backend] : new[] { backend, server })
        {
            counters.CountSession(0);
            counters.CountBytes(entry.BytesIn, entry.BytesOut);
            if (entry.Termination == new Termination('s', 'Q'))
            {
                // No server had a slot: none was given and no connection tried, yet one failed
                // (back_handle_st_que).
                counters.CountConnectionError();
                continue;
            }
            counters.CountLoadBalanced();
            counters.CountConnect(reused: false);
            if (entry.Termination == new Termination('S', 'C'))
            {
                counters.CountConnectionError();
            }
            else
            {
                // A TCP stream's data time is its connect time (stream_update_time_stats).
                AddTimes(counters, entry, entry.Connected);
            }
        }
    }

    // HAProxy's stream_update_time_stats: nothing for a stream that never got its data (the
    // response head in HTTP, the connection in TCP).
    private static void AddTimes(ProxyCounters counters, AccessLogEntry entry, int dataAt)
    {
        if (entry.Connected < 0 || dataAt < 0)
        {
            return;
        }
        int request = Math.Max(0, entry.RequestReceived);
        long count = counters.TimeSamples;
        counters.QueueTime.Add(entry.Queued - request, count);
        counters.ConnectTime.Add(entry.Connected - entry.Queued, count);
        counters.ResponseTime.Add(dataAt - entry.Connected, count);
        counters.TotalTime.Add(entry.Closed, count);
    }
}
