using System.Net;
using ActorProxy.Host.DataPlane.Limits;
using ActorProxy.Host.Logging;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Logging;
using ActorProxy.Runtime.Stats;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace ActorProxy.Host.DataPlane.AccessLog;

/// <summary>
/// One access log entry per HTTP request, as HAProxy's <c>strm_log</c>: the first step of the
/// proxy pipeline starts the request's <see cref="AccessLogEntry"/>, the pipeline and YARP's
/// transforms fill it in (backend, server, timers, how it ended), and when the response is over
/// it is counted in the <see cref="ProxyStats"/> and, for a frontend that logs, its line is
/// rendered and handed to the <see cref="AccessLogSink"/>, which sends it off the request path.
/// </summary>
internal sealed class HttpAccessLog
{

    // tune.http.logurilen: the request line is cut there.
    private const int MaxRequestLine = 1023;

    private readonly Dictionary<int, FrontendSettings> _byPort;
    private readonly Dictionary<(string Backend, string Server), IPEndPoint> _servers;
    private readonly AccessLogSink _sink;
    private readonly ProxyStats _stats;
    private readonly NodeConnectionLimits _limits;
    private readonly IProxyStateLookup _clusters;
    private readonly TimeProvider _time;
    private readonly Action<HttpExchange> _returnTransaction;
    private readonly ServerConnectTimes _connects;
    // With a stick table, every request has its stick counters.
    private readonly bool _tracks;

    public HttpAccessLog(ProxyConfig config, AccessLogSink sink, ProxyStats stats, NodeConnectionLimits limits, IProxyStateLookup clusters, ServerConnectTimes connects,
        TimeProvider time, Action<HttpExchange> returnTransaction)
    {
        _connects = connects;
        _byPort = config.Frontends.Where(f => f.Mode == ProxyMode.Http).ToDictionary(f => f.Bind.Port);
        _stats = stats;
        _servers = config.Backends.SelectMany(b => b.Servers.Select(s => (b.Name, s)))
            .Where(x => IPAddress.TryParse(x.s.Host, out _))
            .ToDictionary(x => (x.Name, x.s.Name), x => new IPEndPoint(IPAddress.Parse(x.s.Host), x.s.Port));
        _sink = sink;
        _limits = limits;
        _clusters = clusters;
        _time = time;
        _returnTransaction = returnTransaction;
        _tracks = config.StickTables.All.Count > 0;
    }

    /// <summary>True when there is an HTTP frontend.</summary>
    public bool Any => _byPort.Count > 0;

    /// <summary>The request's entry.</summary>
    public static LoggedRequest? Of(HttpContext context) => context.Features.Get<LoggedRequest>();

    /// <summary>The proxy pipeline's first step: the line's entry, from what the request is,
    /// then, once the rest of the pipeline has answered, the line. Not an OnCompleted callback:
    /// with one, the web server waits for each response's last flush before it reads the next
    /// request, a thread switch per request.</summary>
    public Task BeginAsync(HttpContext context, Func<Task> next)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (!_byPort.TryGetValue(context.Connection.LocalPort, out var frontend) || items is null || ClientConnectionLog.Of(items) is not { } connection)
        {
            return next();
        }
        _stats.Frontend(frontend.Name).CountRequest();
        long now = _time.GetTimestamp();
        int handshake = connection.BeginRequest();
        int received = (int)_time.GetElapsedTime(connection.StreamStart, now).TotalMilliseconds;
        long lineEnd = RawRequestHeads.RequestLineEndOfNextRequest(items) is { } at && at >= connection.StreamStart ? at : now;
        var request = context.Request;
        string target = Target(context);
        string version = Version(request.Protocol);
        var entry = new AccessLogEntry
        {
            ClientPort = context.Connection.RemotePort,
            LocalPort = context.Connection.LocalPort,
            Frontend = frontend.Name,
            Handshake = handshake,
            Idle = Math.Max(0, (int)_time.GetElapsedTime(connection.StreamStart, lineEnd).TotalMilliseconds - handshake),
            RequestReceived = received,
        };
        bool logs = frontend.Log?.Format is not null;
        if (logs)
        {
            // What only a line prints: the counters need none of it.
            entry.ClientAddress = context.Connection.RemoteIpAddress?.ToString() ?? "";
            entry.LocalAddress = context.Connection.LocalIpAddress?.ToString() ?? "";
            entry.Tls = TlsTermination.SessionOf(context.Features);
            entry.AcceptDate = connection.StreamDate;
            entry.RequestLine = RequestLine(request.Method, target, version);
            entry.RequestCaptures = Captured(frontend.RequestCaptures, request.Headers);
            entry.ResponseCaptures = frontend.ResponseCaptures.Count == 0 ? [] : new string?[frontend.ResponseCaptures.Count];
        }
        var body = new CountingResponseBody(context.Features.Get<IHttpResponseBodyFeature>()!);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        var logged = new LoggedRequest(entry, connection.StreamStart, body)
        {
            RequestLineWords = request.Method.Length + target.Length + version.Length,
            Logs = logs,
            Stick = _tracks ? new Runtime.Stick.StickCounters() : null,
        };
        if (request.Headers.TransferEncoding.Count > 0)
        {
            logged.ArrivedBody = request.BodyReader;
            logged.RequestBody = new CountingStream(request.Body);
            request.Body = logged.RequestBody;
        }
        context.Features.Set(logged);
        var answering = next();
        if (answering.IsCompletedSuccessfully)
        {
            Finish(context, logged);
            return Task.CompletedTask;
        }
        return FinishWhenAnsweredAsync(answering, context, logged);
    }

    private async Task FinishWhenAnsweredAsync(Task answering, HttpContext context, LoggedRequest logged)
    {
        try
        {
            await answering;
        }
        finally
        {
            Finish(context, logged);
        }
    }

    /// <summary>The request left the backend's queue (HAProxy's t_queue), as the
    /// <paramref name="position"/>-th to leave since it entered (<c>%bq</c>).</summary>
    public void LeftQueue(HttpContext context, long position)
    {
        if (Of(context) is { } logged)
        {
            logged.Entry.Queued = Elapsed(logged);
            logged.Entry.BackendQueuePosition = position;
        }
    }

    /// <summary>YARP's request transform: the request leaves for the server (HAProxy's t_queue,
    /// unless it waited in the queue).</summary>
    public ValueTask OnRequestSentAsync(RequestTransformContext transform)
    {
        if (Of(transform.HttpContext) is { } logged)
        {
            if (logged.Entry.BackendQueuePosition == 0)
            {
                logged.Entry.Queued = Elapsed(logged);
            }
            logged.ProxyRequest = transform.ProxyRequest;
            var proxy = transform.HttpContext.GetReverseProxyFeature();
            if (logged.Entry.Backend is { } backend && proxy.ProxiedDestination is { } server)
            {
                _stats.NoteInFlight(backend, server.DestinationId,
                    proxy.AllDestinations.Sum(d => d.ConcurrentRequestCount), server.ConcurrentRequestCount);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>YARP's response transform: the server's head is in (t_data), its fields captured
    /// as they came, before any http-response rule.</summary>
    public ValueTask OnResponseReceivedAsync(ResponseTransformContext transform)
    {
        if (Of(transform.HttpContext) is { } logged && transform.ProxyResponse is not null)
        {
            var entry = logged.Entry;
            entry.ResponseReceived = Elapsed(logged);
            int? connecting = logged.ProxyRequest is { } sent ? _connects.Take(sent) : null;
            entry.Connected = entry.Queued + (connecting ?? 0);
            if (entry.Backend is { } backend && transform.HttpContext.GetReverseProxyFeature().ProxiedDestination is { } server)
            {
                _stats.CountConnect(backend, server.DestinationId, reused: connecting is null);
            }
            if (logged.Logs)
            {
                entry.ResponseCaptures = Captured(FrontendOf(transform.HttpContext).ResponseCaptures, transform.HttpContext.Response.Headers);
            }
            logged.ServerChunked = transform.ProxyResponse.Headers.TransferEncodingChunked == true;
            // The server's answer counts for the stick counters before any http-response rule reads them.
            logged.Stick?.CountStatus((int)transform.ProxyResponse.StatusCode);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Notes how a forward failed, as HAProxy's termination state: who ended it (the
    /// server S, the client C, a timeout s or c) and when (connecting, the response's head, the data).</summary>
    public static void Failed(HttpContext context, IForwarderErrorFeature error, bool notConnected)
    {
        // A session shut by shut_sess stays killed, whatever the forwarder saw of it.
        if (Of(context) is not { } logged || logged.Entry.Termination.Cause == 'K')
        {
            return;
        }
        logged.Entry.Termination = error.Error switch
        {
            _ when notConnected => new Termination('S', 'C'),
            ForwarderError.NoAvailableDestinations => new Termination('S', 'C'),
            ForwarderError.RequestTimedOut => new Termination('s', 'H'),
            ForwarderError.RequestCanceled => new Termination('C', 'H'),
            ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient or
                ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyDestination or
                ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient or
                ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseDestination => new Termination('C', 'D'),
            ForwarderError.RequestBodyDestination or ForwarderError.ResponseBodyClient or
                ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseClient => new Termination('S', 'D'),
            ForwarderError.UpgradeActivityTimeout => new Termination('c', 'D'),
            _ => new Termination('S', 'H'),
        };
    }

    /// <summary>Takes what the rules left in <paramref name="exchange"/>; keeps the transaction
    /// for the line's samples (then returns true: the caller must not give it back to its pool).</summary>
    public bool TakeTransaction(HttpContext context, HttpExchange exchange)
    {
        if (Of(context) is not { } logged)
        {
            return false;
        }
        var entry = logged.Entry;
        entry.LevelOverride = exchange.LogLevel ?? 0;
        logged.ServiceAnswered = exchange.AnsweredByService && exchange.Server?.StartsWith("<lua.", StringComparison.Ordinal) == true;
        if (exchange.Ended is { } ended)
        {
            entry.Termination = ended;
            entry.Server = exchange.AnsweredByService ? exchange.Server : null;
            if (exchange.AnsweredByService)
            {
                // An applet answers at once: HAProxy counts no wait, no connect, no server time.
                entry.Queued = entry.Connected = entry.ResponseReceived = entry.RequestReceived;
            }
        }
        if (FrontendOf(context).Log?.Format?.Samples.Any() != true)
        {
            return false;
        }
        entry.Transaction = exchange;
        logged.HeldTransaction = exchange;
        return true;
    }

    private void Finish(HttpContext context, LoggedRequest logged)
    {
        var frontend = FrontendOf(context);
        var entry = logged.Entry;
        if (logged.ProxyRequest is { } sent)
        {
            // A request that got no response: its connect time, if any, goes.
            _connects.Take(sent);
        }
        long now = _time.GetTimestamp();
        entry.Closed = (int)_time.GetElapsedTime(logged.Start, now).TotalMilliseconds;
        var response = context.Response;
        entry.Status = response.HasStarted || !context.RequestAborted.IsCancellationRequested ? response.StatusCode : -1;
        if (entry.Termination == Termination.Normal && context.RequestAborted.IsCancellationRequested)
        {
            entry.Termination = new Termination('C', response.HasStarted ? 'D' : 'H');
        }
        var proxy = context.Features.Get<IReverseProxyFeature>();
        var destination = proxy?.ProxiedDestination;
        if (destination is not null && entry.Backend is { } backend)
        {
            entry.Server ??= destination.DestinationId;
            entry.ServerAddress = logged.Logs ? _servers.GetValueOrDefault((backend, destination.DestinationId)) : null;
            entry.ServerConnections = destination.ConcurrentRequestCount;
            entry.BackendConnections = proxy!.AllDestinations.Sum(d => d.ConcurrentRequestCount);
        }
        if (logged.Logs && entry.Server is { } service && service.StartsWith("<lua.", StringComparison.Ordinal))
        {
            // A service's answer goes through the response analysers, which capture it.
            entry.ResponseCaptures = Captured(frontend.ResponseCaptures, response.Headers);
        }
        var request = context.Request;
        int version = Version(request.Protocol).Length;
        entry.BytesIn = HtxSize.Of(logged.RequestLineWords, FieldsSize(request.Headers),
            logged.RequestBody?.Count ?? request.ContentLength ?? 0, logged.RequestBody is not null);
        // The status is three digits. A server's chunked answer keeps its Transfer-Encoding in
        // HAProxy's HTX even where HTTP/2 sends none to the client.
        long chunkedField = logged.ServerChunked && response.Headers.TransferEncoding.Count == 0 ? "transfer-encoding".Length + "chunked".Length : 0;
        entry.BytesOut = response.HasStarted
            ? HtxSize.Of(version + 3 + (context.Features.Get<IHttpResponseFeature>()?.ReasonPhrase ?? ReasonPhrases.GetReasonPhrase(response.StatusCode)).Length,
                FieldsSize(response.Headers) + chunkedField, logged.ResponseBody.Count, logged.ServerChunked)
            : 0;
        if (logged.Stick is { } stick)
        {
            if (logged.ServiceAnswered)
            {
                stick.CountStatus(entry.Status);
            }
            stick.CountBytes(entry.BytesIn, entry.BytesOut);
            stick.Release();
        }
        entry.ActiveConnections = _limits.Node.Connections;
        entry.FrontendConnections = _limits.Of(frontend).Connections;
        _stats.RecordHttp(entry, logged.Malformed);
        if (frontend.Log is { Format: not null } settings)
        {
            Send(settings, entry);
        }
        if (context.Features.Get<IConnectionItemsFeature>()?.Items is { } items && ClientConnectionLog.Of(items) is { } connection)
        {
            connection.EndRequest(now, logged.Logs ? _time.GetLocalNow() : default);
        }
        if (logged.HeldTransaction is { } held)
        {
            entry.Transaction = null;
            _returnTransaction(held);
        }
    }

    private void Send(AccessLogSettings settings, AccessLogEntry entry)
    {
        if (AccessLogLevel.Of(settings, entry) is { } level)
        {
            _sink.Send(settings.Targets, level, settings.Format!.Render(entry));
        }
    }

    private FrontendSettings FrontendOf(HttpContext context) => _byPort[context.Connection.LocalPort];

    private int Elapsed(LoggedRequest logged) => (int)_time.GetElapsedTime(logged.Start).TotalMilliseconds;

    // The request line as the client sent it, cut at HAProxy's tune.http.logurilen.
    private static string RequestLine(string method, string target, string version)
    {
        string line = $"{method} {target} {version}";
        return line.Length <= MaxRequestLine ? line : line[..MaxRequestLine];
    }

    // The URI as HAProxy has it: as sent in HTTP/1, absolute (from :scheme and :authority) in HTTP/2.
    private static string Target(HttpContext context)
    {
        string target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value + context.Request.QueryString.Value;
        return HttpProtocol.IsHttp2(context.Request.Protocol) && target.StartsWith('/')
            ? $"{context.Request.Scheme}://{context.Request.Host.Value}{target}"
            : target;
    }

    // HAProxy writes HTTP/2's version with its minor number.
    private static string Version(string protocol) => protocol == "HTTP/2" ? "HTTP/2.0" : protocol;

    // The fields' names and values as HAProxy's HTX holds them: its H1 layer takes Connection
    // out of a message (into flags) and writes one of its own on the way out.
    private static long FieldsSize(IHeaderDictionary headers)
    {
        long size = 0;
        foreach (var (name, values) in headers)
        {
            if (name.Equals("connection", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            foreach (string? value in values)
            {
                size += name.Length + (value?.Length ?? 0);
            }
        }
        return size;
    }

    // Each capture's last value of its field, cut at its length (http_capture_headers).
    private static string?[] Captured(IReadOnlyList<HeaderCapture> captures, IHeaderDictionary headers)
    {
        if (captures.Count == 0)
        {
            return [];
        }
        var values = new string?[captures.Count];
        for (int i = 0; i < captures.Count; i++)
        {
            var found = headers[captures[i].Name];
            values[i] = found.Count == 0 ? null : captures[i].Cut(found[^1] ?? "");
        }
        return values;
    }
}
