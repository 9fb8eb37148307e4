using System.Net.Sockets;
using ActorProxy.Actors.Lua;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Rules;
using Akka.Actor;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// The HTTP frontends' part of YARP's proxy pipeline. For each request: find the frontend by the
/// local port, give the transaction to a worker (round robin) that runs the <c>http-request</c>
/// rules in its own Lua state, then answer from the rules or send the request to the chosen
/// backend's YARP cluster; the backend's response goes through <c>http-response</c> on the same worker.
/// </summary>
internal sealed class FrontendPipeline
{
    private static readonly object ExchangeKey = new();
    private static readonly object SessionVariablesKey = new();

    private readonly Dictionary<int, HttpFrontend> _byPort;
    private readonly IReadOnlyList<IActorRef> _workers;
    private readonly IProxyStateLookup _clusters;
    private readonly Runtime.Pools.Pool<HttpExchange> _transactions;

    private readonly ILogger _logger;
    private readonly HttpTune _http;

    private readonly Dictionary<string, ForwardFor?> _backendForwardFor;
    private readonly UpgradeTunnels _tunnels;
    private readonly Func<HttpContext, Task> _prometheusExporter;
    private readonly Func<Metrics.StatsPageService> _statsPage;

    public FrontendPipeline(ProxyConfig config, IReadOnlyList<IActorRef> workers, IProxyStateLookup clusters, UpgradeTunnels tunnels,
        Runtime.Pools.PoolRegistry pools, Logging.AccessLogSink accessLog, Runtime.Stats.ProxyStats stats, Limits.NodeConnectionLimits limits, AccessLog.ServerConnectTimes connects, Func<HttpContext, Task> prometheusExporter, Func<Metrics.StatsPageService> statsPage, ILogger logger)
    {
        _prometheusExporter = prometheusExporter;
        _statsPage = statsPage;
        _tunnels = tunnels;
        _logger = logger;
        _http = config.Global.Http;
        // Transactions are reused (HAProxy's pool_head_http_txn); the size is the object's rough footprint.
        _transactions = pools.Create("http_txn", 512, () => new HttpExchange("", "", "", null, ""));
        _byPort = config.Frontends.Where(f => f.Mode == ProxyMode.Http).ToDictionary(f => f.Bind.Port, f => HttpFrontend.Of(f, _http));
        HasResponseRules = _byPort.Values.Any(f => f.HasResponseRules);
        _backendForwardFor = config.Backends.Where(b => b.ForwardFor is not null).ToDictionary(b => b.Name, b => b.ForwardFor);
        AccessLog = new AccessLog.HttpAccessLog(config, accessLog, stats, limits, clusters, connects, TimeProvider.System, _transactions.Return);
        _workers = workers;
        _clusters = clusters;
    }

    /// <summary>True when some frontend has <c>http-response</c> rules, so that responses need
    /// <see cref="RunResponseRulesAsync"/>.</summary>
    public bool HasResponseRules { get; }

    /// <summary>The frontends' access log lines.</summary>
    public AccessLog.HttpAccessLog AccessLog { get; }

    /// <summary>First step of the proxy pipeline: a request head is in, so the frontend's
    /// <c>timeout http-request</c> stops for it, and <c>timeout http-keep-alive</c> starts once its
    /// response is sent. A request whose head came as the timer expired is dropped: the 408 is out.</summary>
    public Task TimeRequestAsync(HttpContext context, Func<Task> next)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is null || Limits.HttpRequestTimer.Of(items) is not { } timer)
        {
            return next();
        }
        if (!timer.BeginRequest())
        {
            context.Abort();
            return Task.CompletedTask;
        }
        context.Response.OnCompleted(() =>
        {
            timer.EndRequest();
            return Task.CompletedTask;
        });
        return next();
    }

    /// <summary>Second step: a request HAProxy's parser refuses gets its 400
    /// (and a CONNECT, which ActorProxy does not forward, a 501), one log line, and its connection
    /// closed.</summary>
    public async Task RefuseMalformedAsync(HttpContext context, Func<Task> next)
    {
        var connection = context.Features.Get<IConnectionItemsFeature>()?.Items;
        string? refusal = (connection is null ? null : RawRequestHeads.RefusalOfNextRequest(connection)) ??
            RequestStrictness.Refusal(context.Request, _http);
        int status = 400;
        // An HTTP/2 extended CONNECT (RFC 8441: a WebSocket over HTTP/2) is an upgrade, forwarded.
        if (refusal is null && HttpMethods.IsConnect(context.Request.Method) &&
            context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>()?.IsExtendedConnect != true)
        {
            (refusal, status) = ("CONNECT is not forwarded by ActorProxy", 501);
        }
        if (refusal is null)
        {
            await next();
            return;
        }
        _logger.LogWarning("frontend {Frontend}: {Status} for {Client}:{Port} {Method}: {Reason}", _byPort[context.Connection.LocalPort].Settings.Name,
            status, context.Connection.RemoteIpAddress, context.Connection.RemotePort, context.Request.Method, refusal);
        if (Host.DataPlane.AccessLog.HttpAccessLog.Of(context) is { } logged)
        {
            // HAProxy's parser refused it: no request line to log, the proxy refused (PR).
            logged.Entry.RequestLine = status == 400 ? null : logged.Entry.RequestLine;
            logged.Entry.Termination = new Runtime.Logging.Termination('P', 'R');
            logged.Malformed = true;
        }
        context.Response.Headers.Connection = "close";
        await HttpExchangeMapper.WriteReplyAsync(HttpReply.ErrorPage(status), context);
        // As HAProxy does after an error page; Kestrel would keep a CONNECT's connection open.
        await context.Response.CompleteAsync();
        CloseUnanswered(context);
    }

    /// <summary>Third step: request rules and backend choice.</summary>
    public async Task RunRequestRulesAsync(HttpContext context, Func<Task> next)
    {
        var http = _byPort[context.Connection.LocalPort];
        var frontend = http.Settings;
        if (http.Ruleless)
        {
            // No rule reads or changes the transaction: nothing for a worker to do.
            if (frontend.DefaultBackend is null || !_clusters.TryGetCluster(_tunnels.ClusterOf(frontend.DefaultBackend, context.Request), out var direct))
            {
                await HttpExchangeMapper.WriteReplyAsync(NoServer(), context);
                return;
            }
            AddForwardFor(http, frontend.DefaultBackend, context);
            Host.DataPlane.AccessLog.HttpAccessLog.Of(context)?.Entry.Backend = frontend.DefaultBackend;
            context.ReassignProxyRequest(direct);
            await next();
            return;
        }
        var pooled = _transactions.Rent();
        var exchange = pooled ?? new HttpExchange("", "", "", null, "");
        int workerNumber = WorkerOf(context);
        var worker = _workers[workerNumber - 1];
        try
        {
            try
            {
                await HttpExchangeMapper.FillFromRequestAsync(exchange, context, frontend.Name, http.BodyLimit, workerNumber - 1);
                if (http.StreamsServices)
                {
                    HttpServiceStream.CheckArrivedBody(context);
                }
            }
            catch (Exception e) when (e is BadHttpRequestException or IOException && !context.RequestAborted.IsCancellationRequested)
            {
                await RefuseBrokenBodyAsync(context, frontend.Name, e);
                return;
            }
            exchange.Variables.UseSession(SessionVariables(context));
            exchange.Tracked = Host.DataPlane.AccessLog.HttpAccessLog.Of(context)?.Stick;
            var stream = http.StreamsServices ? new HttpServiceStream(context, head => StreamedHeadAsync(http, exchange, worker, context, head)) : null;
            exchange.ServiceStream = stream;
            await RunRulesAsync(http, exchange, worker, response: false);

            if (exchange.CloseWithoutReply)
            {
                CloseUnanswered(context);
                return;
            }
            if (stream is { Stopped: true, BadBody: { } bad } && !context.Response.HasStarted)
            {
                await RefuseBrokenBodyAsync(context, frontend.Name, bad);
                return;
            }
            if (exchange.ServiceStreamed || stream is { Stopped: true })
            {
                // The service answered as it ran, or was stopped: its client is gone, or a
                // response rule answered in its place.
                return;
            }
            if (exchange.Applet is not null)
            {
                await _prometheusExporter(context);
                return;
            }
            if (exchange.Reply is { } reply)
            {
                if (context.Response.HasStarted)
                {
                    // A shared-state service that streamed and then was lost with its node: its
                    // answer is cut, as HAProxy aborts a stream whose applet fails midway.
                    context.Abort();
                    return;
                }
                if (exchange.AnsweredByService && http.HasResponseRules)
                {
                    reply = await RunServiceResponseRulesAsync(http, exchange, worker, reply);
                }
                await HttpExchangeMapper.WriteReplyAsync(reply, context);
                return;
            }
            if (frontend.StatsPage is { } page && Metrics.StatsPageService.IsFor(context, page))
            {
                // HAProxy's stats applet, after the request rules: the stream ends locally.
                exchange.AnsweredByService = true;
                exchange.Server = "<STATS>";
                exchange.Ended = new Runtime.Logging.Termination('L', 'R');
                await _statsPage().ServeAsync(context, page);
                return;
            }
            if (exchange.Backend is null || !_clusters.TryGetCluster(_tunnels.ClusterOf(exchange.Backend, context.Request), out var cluster))
            {
                await HttpExchangeMapper.WriteReplyAsync(NoServer(), context);
                return;
            }
            HttpExchangeMapper.ApplyRequest(exchange, context);
            AddForwardFor(http, exchange.Backend, context);
            Host.DataPlane.AccessLog.HttpAccessLog.Of(context)?.Entry.Backend = exchange.Backend;
            context.ReassignProxyRequest(cluster);
            if (http.HasResponseRules)
            {
                context.Items[ExchangeKey] = new Transaction(http, exchange, worker);
            }
            await next();
        }
        finally
        {
            if (exchange.HoldsPrivateValue && exchange.LuaGeneration is { } generation)
            {
                worker.Tell(new EndHttpTransaction(exchange.Id, generation.Number));
            }
            // Its Lua is over: a reload's old generation no longer waits for it.
            exchange.EndLua();
            // A line whose format has samples reads the transaction: it goes back to its pool then.
            if (!AccessLog.TakeTransaction(context, exchange) && pooled is not null)
            {
                _transactions.Return(pooled);
            }
        }
    }

    /// <summary>Fourth step: a server that refuses the connection is retried on another, as
    /// HAProxy's <c>option redispatch</c>, while the request has no body to replay.</summary>
    public async Task RetryRefusedAsync(HttpContext context, Func<Task> next)
    {
        var proxy = context.GetReverseProxyFeature();
        // Load balancing narrows the available destinations to the one it picked; the list it
        // replaces is not changed, so keeping it costs nothing until a retry copies it.
        var available = proxy.AvailableDestinations;
        List<DestinationState>? candidates = null;
        while (true)
        {
            await next();
            var error = context.GetForwarderErrorFeature();
            if (error is null)
            {
                return;
            }
            if (!context.Response.HasStarted && IsRefused(error) && proxy.ProxiedDestination is not null &&
                context.Request.ContentLength is null or 0 && context.Request.Headers.TransferEncoding.Count == 0)
            {
                candidates ??= [.. available];
                candidates.Remove(proxy.ProxiedDestination);
                if (candidates.Count > 0)
                {
                    if (Host.DataPlane.AccessLog.HttpAccessLog.Of(context) is { } retried)
                    {
                        // HAProxy's redispatch: one more retry, on another server ("+" before %rc).
                        retried.Entry.Retries++;
                        retried.Entry.Redispatched = true;
                    }
                    proxy.AvailableDestinations = candidates.ToArray();
                    context.Features.Set<IForwarderErrorFeature>(null);
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    continue;
                }
            }
            if (!context.Response.HasStarted && NotConnected(error))
            {
                // HAProxy answers 503 when no connection to a server could be made (refused,
                // timed out, a TLS handshake that failed); YARP says 502.
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            }
            LogForwarderError(context, error);
            Host.DataPlane.AccessLog.HttpAccessLog.Failed(context, error, NotConnected(error));
            if (!context.Response.HasStarted && HttpReply.HasErrorPage(context.Response.StatusCode))
            {
                // YARP chose the status; the page is HAProxy's for it.
                await HttpExchangeMapper.WriteReplyAsync(HttpReply.ErrorPage(context.Response.StatusCode), context);
            }
            return;
        }
    }

    /// <summary>The YARP response transform: <c>http-response</c> rules on the worker that ran the request's.</summary>
    public async ValueTask RunResponseRulesAsync(ResponseTransformContext transform)
    {
        if (transform.ProxyResponse is null ||
            !transform.HttpContext.Items.TryGetValue(ExchangeKey, out var item) || item is not Transaction transaction)
        {
            return;
        }
        var exchange = transaction.Exchange;
        HttpExchangeMapper.ReadResponse(transform.HttpContext, exchange);
        exchange.Server = transform.HttpContext.GetReverseProxyFeature().ProxiedDestination?.DestinationId;
        await RunRulesAsync(transaction.Frontend, exchange, transaction.Worker, response: true);
        if (exchange.CloseWithoutReply)
        {
            transform.SuppressResponseBody = true;
            CloseUnanswered(transform.HttpContext);
            return;
        }
        if (exchange.Reply is { } reply)
        {
            // http-response deny, return or redirect: the server's answer is replaced.
            transform.SuppressResponseBody = true;
            await HttpExchangeMapper.WriteReplyAsync(reply, transform.HttpContext);
            return;
        }
        HttpExchangeMapper.ApplyResponse(exchange, transform.HttpContext);
    }

    // A body that breaks HTTP/1's framing (a chunk size that overflows, say): HAProxy's 400, one log line.
    private async Task RefuseBrokenBodyAsync(HttpContext context, string frontend, Exception reason)
    {
        if (Host.DataPlane.AccessLog.HttpAccessLog.Of(context) is { } logged)
        {
            logged.Entry.Termination = new Runtime.Logging.Termination('P', 'D');
            logged.Malformed = true;
        }
        _logger.LogWarning("frontend {Frontend}: 400 for {Client}:{Port} {Method} {Path}: {Reason}", frontend,
            context.Connection.RemoteIpAddress, context.Connection.RemotePort, context.Request.Method, context.Request.Path, reason.Message);
        context.Response.Headers.Connection = "close";
        await HttpExchangeMapper.WriteReplyAsync(HttpReply.ErrorPage(400), context);
    }

    // The head a worker's service starts, through the http-response rules; null when a rule
    // answered in its place (that answer is written here).
    private static async Task<HttpReply?> StreamedHeadAsync(HttpFrontend http, HttpExchange exchange, IActorRef worker, HttpContext context, HttpReply head)
    {
        if (!http.HasResponseRules)
        {
            return head;
        }
        var sent = await RunServiceResponseRulesAsync(http, exchange, worker, head);
        if (ReferenceEquals(sent, head))
        {
            return head;
        }
        await HttpExchangeMapper.WriteReplyAsync(sent, context);
        return null;
    }

    // A Lua service's answer through the http-response rules, as HAProxy's applet responses go
    // through them; a rule that answers itself (deny, return) replaces it.
    private static async Task<HttpReply> RunServiceResponseRulesAsync(HttpFrontend http, HttpExchange exchange, IActorRef worker, HttpReply serviceReply)
    {
        exchange.Reply = null;
        HttpExchangeMapper.ReadResponse(serviceReply, exchange);
        await RunRulesAsync(http, exchange, worker, response: true);
        if (exchange.Reply is { } replaced)
        {
            return replaced;
        }
        HttpExchangeMapper.ApplyResponse(exchange, serviceReply);
        return serviceReply;
    }

    // option forwardfor of the frontend or of its backend, once the rules are over, as HAProxy adds it.
    private void AddForwardFor(HttpFrontend http, string backend, HttpContext context)
    {
        if (http.Settings.ForwardFor is null && _backendForwardFor.Count == 0)
        {
            return;
        }
        if (context.Connection.RemoteIpAddress is { } client &&
            ForwardFor.FieldFor(http.Settings.ForwardFor, _backendForwardFor.GetValueOrDefault(backend), client, context.Request.Headers.ContainsKey) is var (name, value))
        {
            context.Request.Headers.Append(name, value);
        }
    }

    // The connection's sess.* variables, which its transactions share (HAProxy's sess->vars).
    private static Dictionary<string, object> SessionVariables(HttpContext context)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()!.Items;
        if (items.TryGetValue(SessionVariablesKey, out var existing) && existing is Dictionary<string, object> session)
        {
            return session;
        }
        session = TransactionVariables.NewSession();
        items[SessionVariablesKey] = session;
        return session;
    }

    // The worker the connection was given when it was accepted (from 1): every request of the
    // connection runs its Lua there, as a connection belongs to one thread in HAProxy.
    private static int WorkerOf(HttpContext context)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items ??
            throw new InvalidOperationException("A request arrived on a connection that ConnectionTracker did not see.");
        return ConnectionTracker.WorkerOf(items);
    }

    // Rules that call Lua run on the connection's worker, in its Lua state. Its completion is not
    // RunContinuationsAsynchronously: once the rules are over, the request goes on on the worker's
    // thread up to its next wait (the backend's answer), as an HAProxy thread carries a stream from
    // its rules to the server; one thread switch per hand-off instead of two, and what runs there
    // never blocks. Rules that call no Lua touch no Lua state: they run here, on the I/O thread,
    // with no hand-off at all.
    private static Task RunRulesAsync(HttpFrontend frontend, HttpExchange exchange, IActorRef worker, bool response)
    {
        if (!(response ? frontend.ResponseUsesLua : frontend.RequestUsesLua))
        {
            if (!new FrontendRules(frontend.Settings, exchange, response).Continue(NoLuaActions.Instance))
            {
                throw new InvalidOperationException($"Rules of frontend '{frontend.Settings.Name}' waited, but they call no Lua.");
            }
            return Task.CompletedTask;
        }
        var rulesOver = new TaskCompletionSource();
        worker.Tell(response
            ? new RunHttpResponse(frontend.Settings, exchange, rulesOver)
            : new RunHttpRequest(frontend.Settings, exchange, rulesOver));
        return rulesOver.Task;
    }

    // txn:done() with no reply: HAProxy closes the client's connection unanswered, with a FIN
    // (an abort alone would reset it).
    private static void CloseUnanswered(HttpContext context)
    {
        try
        {
            context.Features.Get<IConnectionSocketFeature>()?.Socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The client is gone already.
        }
        context.Abort();
    }

    // One line per failed forward (YARP's own warning, with its stack trace, is filtered out).
    private void LogForwarderError(HttpContext context, IForwarderErrorFeature error)
    {
        var reason = error.Exception;
        while (reason?.InnerException is not null)
        {
            reason = reason.InnerException;
        }
        _logger.LogWarning("frontend {Frontend}: {Error} for {Client}:{Port} {Method} {Path} (status {Status}): {Reason}",
            _byPort[context.Connection.LocalPort].Settings.Name, error.Error, context.Connection.RemoteIpAddress, context.Connection.RemotePort,
            context.Request.Method, context.Request.Path, context.Response.StatusCode, reason?.Message ?? "no detail");
    }

    private static bool NotConnected(IForwarderErrorFeature error) =>
        error.Error == ForwarderError.Request &&
        error.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.NameResolutionError };

    private static bool IsRefused(IForwarderErrorFeature error) =>
        error.Error == ForwarderError.Request &&
        error.Exception?.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };

    private static HttpReply NoServer() => HttpReply.ErrorPage(503);

    private sealed record Transaction(HttpFrontend Frontend, HttpExchange Exchange, IActorRef Worker);

    // What the pipeline needs to know of a frontend for each request, worked out once.
    private sealed record HttpFrontend(FrontendSettings Settings, int BodyLimit, bool StreamsServices, bool Ruleless, bool HasResponseRules,
        bool RequestUsesLua, bool ResponseUsesLua)
    {
        public static HttpFrontend Of(FrontendSettings frontend, HttpTune http)
        {
            return new HttpFrontend(frontend,
                // What the rules see of a body is what HAProxy's buffer holds of it (http-buffer-request).
                BodyLimit: frontend.ReadsBody ? http.BufSize - http.MaxRewrite : 0,
                StreamsServices: frontend.HttpRequest.OfType<UseServiceRule>().Any(),
                // No rule reads or changes the transaction, nor does the access log: requests go
                // straight to the default backend.
                Ruleless: frontend.HttpRequest.Count == 0 && frontend.HttpResponse.Count == 0 && frontend.UseBackend.Count == 0 && frontend.StatsPage is null &&
                    frontend.Log?.Format?.Samples.Any() != true,
                HasResponseRules: frontend.HttpResponse.Count > 0,
                RequestUsesLua: frontend.RequestUsesLua,
                ResponseUsesLua: frontend.ResponseUsesLua);
        }
    }
}
