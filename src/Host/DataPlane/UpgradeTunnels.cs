using System.Net;
using ActorProxy.Runtime.Config;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// HAProxy's <c>timeout tunnel</c> for HTTP connections that become tunnels (a WebSocket
/// upgrade): an upgrade request to a backend that sets it goes to the backend's twin cluster
/// (<see cref="BackendClusters.TunnelOf"/>), whose activity timeout is the tunnel's on the server's
/// side, and once the server answers 101 the client's side gets it too, in place of
/// <c>timeout client</c>.
/// </summary>
internal sealed class UpgradeTunnels(IEnumerable<BackendSettings> backends)
{
    private readonly Dictionary<string, TimeSpan> _byCluster = backends
        .Where(b => b.Mode == ProxyMode.Http && b.TunnelTimeout is not null)
        .ToDictionary(b => BackendClusters.TunnelOf(b.Name), b => b.TunnelTimeout!.Value);

    /// <summary>True when some HTTP backend sets <c>timeout tunnel</c>.</summary>
    public bool Any => _byCluster.Count > 0;

    /// <summary>The cluster a request to <paramref name="backend"/> goes to.</summary>
    public string ClusterOf(string backend, HttpRequest request) =>
        _byCluster.Count > 0 && IsUpgrade(request) && _byCluster.ContainsKey(BackendClusters.TunnelOf(backend))
            ? BackendClusters.TunnelOf(backend)
            : backend;

    /// <summary>The YARP response transform: at a 101 from a tunnel cluster, the client's side of
    /// the connection takes <c>timeout tunnel</c>.</summary>
    public ValueTask EnterAsync(ResponseTransformContext transform)
    {
        if (transform.ProxyResponse?.StatusCode == HttpStatusCode.SwitchingProtocols &&
            transform.HttpContext.Features.Get<Yarp.ReverseProxy.Model.IReverseProxyFeature>()?.Cluster.Config.ClusterId is { } cluster &&
            _byCluster.TryGetValue(cluster, out var tunnel) &&
            transform.HttpContext.Features.Get<IConnectionItemsFeature>()?.Items is { } items)
        {
            Limits.ClientInactivity.Of(items)?.UseTimeout(tunnel);
        }
        return ValueTask.CompletedTask;
    }

    // An HTTP/1.1 upgrade (Connection names upgrade and Upgrade says to what), or HTTP/2's
    // extended CONNECT (RFC 8441).
    private static bool IsUpgrade(HttpRequest request) =>
        (request.Headers.Upgrade.Count > 0 &&
         request.Headers.Connection.Any(value => value is not null && value.Contains("upgrade", StringComparison.OrdinalIgnoreCase))) ||
        request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;
}
