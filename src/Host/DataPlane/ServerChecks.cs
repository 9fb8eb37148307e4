using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// The health checks of the servers of backends with <c>health-check</c> (HAProxy's <c>option
/// httpchk GET PATH</c> with <c>check inter I rise R fall F</c> on each server): each server is
/// checked on its own, a GET of the path through the backend's own client (its TLS, its HTTP
/// version), the next check an interval after the last one ended; its answer moves the server's
/// health counter (<see cref="ServerHealth"/>) and a change of state is applied to the
/// forwarding at once. A server whose checks are disabled, or paused by maintenance, is not sent any.
/// </summary>
internal sealed class ServerChecks(ProxyConfig config, ServerHealthTable health, IProxyStateLookup clusters, ServerStateRegistry states,
    TimeProvider time, ILogger<ServerChecks> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stopping) =>
        Task.WhenAll(config.Backends.Where(b => b.HealthCheck is not null)
            .SelectMany(b => b.Servers.Select((server, position) => CheckAsync(b, server, position, stopping))));

    private async Task CheckAsync(BackendSettings backend, ServerSettings server, int position, CancellationToken stopping)
    {
        var settings = backend.HealthCheck!;
        var serverHealth = health.Of(backend.Name, server.Name)!;
        try
        {
            // HAProxy spreads a backend's first checks over one interval (start_checks).
            await Task.Delay(settings.Interval * position / backend.Servers.Count, time, stopping);
            while (true)
            {
                if (serverHealth.Probing)
                {
                    serverHealth.Begin();
                    var outcome = await ProbeAsync(backend, server.Name, settings, stopping);
                    if (serverHealth.Apply(outcome))
                    {
                        Report(backend.Name, server.Name, serverHealth.View(), outcome);
                        states.Refresh(backend.Name);
                    }
                }
                await Task.Delay(settings.Interval, time, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The node stops.
        }
    }

    private async Task<CheckOutcome> ProbeAsync(BackendSettings backend, string server, HealthCheckSettings settings, CancellationToken stopping)
    {
        long started = time.GetTimestamp();
        if (!clusters.TryGetCluster(backend.Name, out var cluster) || !cluster.Destinations.TryGetValue(server, out var destination)
            || cluster.Model.HttpClient is not { } client)
        {
            return new CheckOutcome(CheckStatus.Layer4Connection, null, TimeSpan.Zero);
        }
        var forwarding = cluster.Model.Config.HttpRequest;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(destination.Model.Config.Address), settings.Path))
        {
            Version = forwarding?.Version ?? System.Net.HttpVersion.Version11,
            VersionPolicy = forwarding?.VersionPolicy ?? HttpVersionPolicy.RequestVersionOrLower,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            return CheckOutcome.OfAnswer((int)response.StatusCode, time.GetElapsedTime(started));
        }
        catch (OperationCanceledException e) when (!stopping.IsCancellationRequested)
        {
            // The handler's connect timeout (timeout connect) is layer 4's; the check's own, layer 7's.
            var status = e.InnerException is TimeoutException ? CheckStatus.Layer4Timeout : CheckStatus.Layer7Timeout;
            return new CheckOutcome(status, null, time.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            var status = e.InnerException switch
            {
                SocketException or IOException { InnerException: SocketException } => CheckStatus.Layer4Connection,
                AuthenticationException => CheckStatus.Layer6Response,
                _ when e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError => CheckStatus.Layer4Connection,
                _ when e.HttpRequestError is HttpRequestError.SecureConnectionError => CheckStatus.Layer6Response,
                _ => CheckStatus.Layer7Response,
            };
            return new CheckOutcome(status, null, time.GetElapsedTime(started));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever else went wrong is the check's failure, never the end of the server's checks.
            logger.LogWarning(e, "Health check of {Backend}/{Server} failed unexpectedly", backend.Name, server);
            return new CheckOutcome(CheckStatus.Layer7Response, null, time.GetElapsedTime(started));
        }
    }

    // HAProxy's words when a check changes a server's state.
    private void Report(string backend, string server, ServerHealthView view, CheckOutcome outcome)
    {
        string state = view.State switch
        {
            ServerRunState.Running => "UP",
            ServerRunState.Stopping => "NOLB",
            _ => "DOWN",
        };
        string code = outcome.Code is { } value ? string.Create(CultureInfo.InvariantCulture, $", code: {value}") : "";
        logger.Log(view.State == ServerRunState.Stopped ? LogLevel.Warning : LogLevel.Information,
            "Server {Backend}/{Server} is {State}, reason: {Reason}{Code}, check duration: {Duration}ms.",
            backend, server, state, outcome.Status.Description(), code, (long)outcome.Duration.TotalMilliseconds);
    }
}
