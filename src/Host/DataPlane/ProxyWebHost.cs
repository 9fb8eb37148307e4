using ActorProxy.Host.Configuration;
using ActorProxy.Host.DataPlane.AccessLog;
using ActorProxy.Host.DataPlane.Limits;
using ActorProxy.Host.Logging;
using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Config;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Transforms;
using OpenTelemetry.Metrics;

namespace ActorProxy.Host.DataPlane;

/// <summary>The node's listeners: Kestrel on every HTTP frontend's <c>bind</c>, YARP forwarding
/// to the backends, the frontends' rules on the workers.</summary>
internal static class ProxyWebHost
{
    private static readonly TimeSpan KestrelNever = TimeSpan.FromDays(365);

    /// <summary>Starts listening. Fails with <see cref="ConfigException"/> when a frontend cannot
    /// be served (a bind that fails), with nothing left listening.</summary>
    public static async Task<WebApplication> StartAsync(ProxyNode node, ILoggerFactory loggers, CancellationToken cancel)
    {
        var config = node.Config;
        var backends = new BackendConnections(node);
        var tracker = new ConnectionTracker(node);
        // Made here for the connections' middleware; the web host owns it and ends it after its listeners.
        var accessLog = new AccessLogSink(config.Global.LogTag, TimeProvider.System, loggers.CreateLogger<AccessLogSink>());
        var tcp = new TcpFrontendHandler(node, backends, accessLog, loggers.CreateLogger<TcpFrontendHandler>());

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton<IHostLifetime, ListenerLifetime>();
        // Nothing ActorProxy serves needs keys that outlive the process; keep them off the disk.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        // Created and disposed by the web host: the gates end with the listeners.
        builder.Services.AddSingleton(_ => new NodeConnectionLimits(config));
        builder.Services.AddSingleton<FrontendListeners>();
        builder.Services.AddSingleton<IConnectionListenerFactory>(services =>
            new LimitedListenerFactory(config.Frontends, services.GetRequiredService<NodeConnectionLimits>(), services.GetRequiredService<FrontendListeners>(), loggers));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // HAProxy sets no limit on a body: it streams through (Kestrel's default is 30 MB).
            kestrel.Limits.MaxRequestBodySize = null;
            // Above HAProxy's limits, so that RequestStrictness sees what passes them and answers
            // HAProxy's 400 (Kestrel answers 431 past its own).
            kestrel.Limits.MaxRequestHeaderCount = Math.Max(2 * config.Global.Http.MaxHeaders, 200);
            kestrel.Limits.MaxRequestHeadersTotalSize = Math.Max(4 * config.Global.Http.BufSize, 64 * 1024);
            kestrel.Limits.MaxRequestLineSize = Math.Max(4 * config.Global.Http.BufSize, 64 * 1024);
            // Each frontend's timeout http-request and http-keep-alive are its own (HttpRequestTimer);
            // Kestrel's are one per server and tick by the second. It takes no "never" (an infinite
            // span expires at once), so they are put beyond any connection's life.
            kestrel.Limits.RequestHeadersTimeout = KestrelNever;
            kestrel.Limits.KeepAliveTimeout = KestrelNever;
            foreach (var frontend in config.Frontends)
            {
                kestrel.Listen(frontend.Bind, listen =>
                {
                    listen.Use(next => connection => tracker.TrackAsync(frontend, connection, next));
                    listen.Use(next => connection => ClientConnectionLog.GuardAsync(frontend, accessLog, node.Stats, TimeProvider.System,
                        () => listen.ApplicationServices.GetRequiredService<NodeConnectionLimits>().Node.Connections,
                        () => listen.ApplicationServices.GetRequiredService<NodeConnectionLimits>().Of(frontend).Connections, connection, next));
                    if (ClientTimeout.Applies(frontend, config.Backends))
                    {
                        listen.Use(next => connection => ClientTimeout.GuardAsync(frontend, connection, next));
                    }
                    // Clear text speaks HTTP/1 unless proto h2 (Kestrel cannot tell the two apart
                    // without ALPN); over TLS, ALPN chooses unless proto h2.
                    listen.Protocols = HttpProtocols.Http1;
                    if (frontend.Ssl is { } ssl)
                    {
                        TlsTermination.Use(listen, ssl);
                    }
                    if (frontend.Http2)
                    {
                        listen.Protocols = HttpProtocols.Http2;
                    }
                    if (frontend.Mode == ProxyMode.Tcp)
                    {
                        listen.Run(connection => tcp.HandleAsync(frontend, connection));
                    }
                    else if (!frontend.Http2)
                    {
                        var timed = frontend.Log?.Format is null ? null : TimeProvider.System;
                        listen.Use(next => connection => RawRequestHeads.GuardAsync(connection, next, timed));
                    }
                });
            }
        });
        // The servers' connect times feed the counters of every HTTP frontend, and the lines of those that log.
        var connectTimes = new ServerConnectTimes(config.Frontends.Any(f => f.Mode == ProxyMode.Http));
        builder.Services.AddSingleton<IForwarderHttpClientFactory>(new BackendHttpClientFactory(config.Backends, backends, connectTimes));
        builder.Services.AddSingleton(_ => accessLog);
        builder.Services.AddSingleton(_ => new ServerWeights(config));
        builder.Services.AddSingleton<ServerSessions>();
        builder.Services.AddSingleton(services => new ServerDispatch(config, services.GetRequiredService<ServerWeights>(), node.Stats, services));
        builder.Services.AddSingleton(_ => new Runtime.Health.ServerHealthTable(config));
        builder.Services.AddSingleton<ServerStateRegistry>();
        builder.Services.AddHostedService(services => new ServerChecks(config, services.GetRequiredService<Runtime.Health.ServerHealthTable>(),
            services.GetRequiredService<IProxyStateLookup>(), services.GetRequiredService<ServerStateRegistry>(), TimeProvider.System,
            loggers.CreateLogger<ServerChecks>()));
        builder.Services.AddSingleton<IAvailableDestinationsPolicy>(services => services.GetRequiredService<ServerStateRegistry>());
        var tunnels = new UpgradeTunnels(config.Backends);
        builder.Services.AddSingleton(services => new FrontendPipeline(config, node.Workers, services.GetRequiredService<IProxyStateLookup>(),
            tunnels, node.Pools, accessLog, node.Stats, services.GetRequiredService<NodeConnectionLimits>(), connectTimes,
            context => services.GetRequiredService<Metrics.PrometheusExporterService>().ServeAsync(context),
            () => services.GetRequiredService<Metrics.StatsPageService>(), loggers.CreateLogger<FrontendPipeline>()));
        builder.Services.AddSingleton(services => new Metrics.StatsPageService(node, services.GetRequiredService<Metrics.LiveStats>(),
            services.GetRequiredService<ServerStateRegistry>()));
        string meterName = Metrics.ProxyMetrics.NextMeterName();
        builder.Services.AddSingleton(services => new Metrics.LiveStats(services.GetRequiredService<NodeConnectionLimits>(), services.GetRequiredService<IProxyStateLookup>(),
            services.GetRequiredService<FrontendListeners>(), services.GetRequiredService<ServerDispatch>()));
        builder.Services.AddSingleton(services => new Metrics.ProxyMetrics(meterName, node, services.GetRequiredService<Metrics.LiveStats>(),
            services.GetRequiredService<ServerStateRegistry>()));
        builder.Services.AddSingleton<Metrics.PrometheusExporterService>();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(meterName).AddPrometheusExporter(exporter =>
            {
                // Each scrape reads the counters as they are, and shows only the metrics, as HAProxy's exporter.
                exporter.ScrapeResponseCacheDurationMilliseconds = 0;
                exporter.ScopeInfoEnabled = false;
                exporter.TargetInfoEnabled = false;
            }));
        builder.Services.AddReverseProxy()
            .LoadFromMemory(BackendClusters.Routes(), BackendClusters.Clusters(config.Backends))
            .AddTransforms(transforms =>
            {
                // As HAProxy forwards a request: the client's Host, and no X-Forwarded-* headers
                // (HAProxy adds X-Forwarded-For only with option forwardfor).
                transforms.UseDefaultForwarders = false;
                transforms.AddOriginalHost();
                var pipeline = transforms.Services.GetRequiredService<FrontendPipeline>();
                if (pipeline.AccessLog.Any)
                {
                    // Before the response rules: the server's head is captured as it came.
                    transforms.AddRequestTransform(pipeline.AccessLog.OnRequestSentAsync);
                    transforms.AddResponseTransform(pipeline.AccessLog.OnResponseReceivedAsync);
                }
                if (pipeline.HasResponseRules)
                {
                    transforms.AddResponseTransform(pipeline.RunResponseRulesAsync);
                }
                if (tunnels.Any)
                {
                    transforms.AddResponseTransform(tunnels.EnterAsync);
                }
            });

        var app = builder.Build();
        // Resolved once so that the web host disposes it, whatever happens next.
        app.Services.GetRequiredService<AccessLogSink>();
        node.ServerStates = app.Services.GetRequiredService<ServerStateRegistry>();
        node.LiveStats = app.Services.GetRequiredService<Metrics.LiveStats>();
        node.FrontendListeners = app.Services.GetRequiredService<FrontendListeners>();
        node.MaxConn = app.Services.GetRequiredService<NodeConnectionLimits>().Node.Limit;
        tcp.Servers = new TcpServerChoice(app.Services);
        tcp.ConnectionLimits = app.Services.GetRequiredService<NodeConnectionLimits>();
        var pipeline = app.Services.GetRequiredService<FrontendPipeline>();
        app.MapReverseProxy(proxy =>
        {
            if (pipeline.AccessLog.Any)
            {
                proxy.Use(pipeline.AccessLog.BeginAsync);
            }
            proxy.Use(pipeline.TimeRequestAsync);
            proxy.Use(pipeline.RefuseMalformedAsync);
            proxy.Use(pipeline.RunRequestRulesAsync);
            proxy.Use(pipeline.RetryRefusedAsync);
            proxy.Use(app.Services.GetRequiredService<ServerDispatch>().AssignAsync);
            proxy.UseLoadBalancing();
            proxy.Use(app.Services.GetRequiredService<ServerSessions>().TrackAsync);
            proxy.UsePassiveHealthChecks();
        });
        var taken = config.Frontends
            .Select(f => PortProbe.WhyNotFree(f.Bind) is { } why ? new ConfigError(config.File, $"actorproxy.frontends.{f.Name}.bind", why) : null)
            .OfType<ConfigError>().ToArray();
        if (taken.Length > 0)
        {
            await app.DisposeAsync();
            throw new ConfigException(taken);
        }
        try
        {
            await app.StartAsync(cancel);
            return app;
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            var binds = string.Join(", ", config.Frontends.Select(f => $"{f.Name} on {f.Bind}"));
            throw new ConfigException([new ConfigError(config.File, "actorproxy.frontends", $"cannot listen ({binds}): {e.Message}")]);
        }
    }
}
