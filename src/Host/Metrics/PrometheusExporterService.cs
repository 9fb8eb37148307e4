using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorProxy.Host.Metrics;

/// <summary>
/// HAProxy's <c>http-request use-service prometheus-exporter</c>: the request is answered with
/// the node's metrics in Prometheus' text format, written by OpenTelemetry's Prometheus exporter
/// from the <see cref="ProxyMetrics"/> instruments.
/// </summary>
internal sealed class PrometheusExporterService
{
    private readonly ProxyMetrics _metrics;
    private readonly RequestDelegate _exporter;

    public PrometheusExporterService(IServiceProvider services, ProxyMetrics metrics)
    {
        _metrics = metrics;
        var branch = new ApplicationBuilder(services);
        // Whatever the path: the frontend's rules chose the service.
        branch.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null, predicate: _ => true, path: null, configureBranchedPipeline: null, optionsName: null);
        _exporter = branch.Build();
    }

    /// <summary>Answers <paramref name="context"/> with the metrics.</summary>
    public async Task ServeAsync(HttpContext context)
    {
        await _metrics.RefreshAsync();
        await _exporter(context);
    }
}
