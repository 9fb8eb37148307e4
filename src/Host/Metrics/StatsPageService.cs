using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Stats;
using Microsoft.AspNetCore.Http;

namespace ActorProxy.Host.Metrics;

/// <summary>
/// A frontend's <c>stats uri</c>: the stats page in HTML, or with <c>;csv</c> after the URI
/// <c>show stat</c>'s CSV, as HAProxy answers both; <c>stats refresh</c> is HAProxy's
/// <c>Refresh</c> response field.
/// </summary>
internal sealed class StatsPageService(ProxyNode node, ILiveStats live, IServerStates servers)
{
    /// <summary>True when <paramref name="context"/>'s URI is the page's (it begins with its URI).</summary>
    public static bool IsFor(HttpContext context, StatsPageSettings page) => Uri(context).StartsWith(page.Uri, StringComparison.Ordinal);

    /// <summary>Answers with the page, or the CSV.</summary>
    public async Task ServeAsync(HttpContext context, StatsPageSettings page)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.CacheControl = "no-cache";
        // As HAProxy: the refresh on both answers, the types without a charset (the page says
        // its own in a meta element).
        if (page.Refresh is { } refresh)
        {
            response.Headers["Refresh"] = ((long)Math.Max(1, refresh.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (Uri(context)[page.Uri.Length..].Contains(";csv", StringComparison.Ordinal))
        {
            response.ContentType = "text/plain";
            await response.WriteAsync(StatCsv.Render(node.Config, node.Stats, live, servers.List()));
            return;
        }
        response.ContentType = "text/html";
        var rows = StatCsv.Rows(node.Config, node.Stats, live, servers.List());
        string nodeName = node.System.Name + "@" + Environment.MachineName;
        await response.WriteAsync(StatsPage.Render(rows, nodeName, node.Stats.Time.GetUtcNow() - node.Stats.Started, page.Refresh));
    }

    private static string Uri(HttpContext context) =>
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value + context.Request.QueryString.Value;
}
