using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// The choice of a server for a TCP connection, made as for HTTP: from the YARP cluster of the
/// backend, so that <c>balance</c>, passive health and the admin state (<c>set server … state
/// maint</c>) apply the same to both modes; a server that refuses is marked down for a while and
/// another is tried, as HAProxy redispatches.
/// </summary>
internal sealed class TcpServerChoice(IServiceProvider services)
{
    // How long a server that refused a connection stays out, as the HTTP clusters' passive checks.
    private static readonly TimeSpan Reactivation = TimeSpan.FromSeconds(10);

    // YARP's policies read nothing of the request; they take one all the same.
    private static readonly HttpContext NoRequest = new DefaultHttpContext();

    private readonly IProxyStateLookup _clusters = services.GetRequiredService<IProxyStateLookup>();
    private readonly Dictionary<string, ILoadBalancingPolicy> _policies =
        services.GetServices<ILoadBalancingPolicy>().ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    private readonly IDestinationHealthUpdater _health = services.GetRequiredService<IDestinationHealthUpdater>();

    /// <summary>The servers' sessions, which a relayed connection is one of.</summary>
    public ServerSessions Sessions { get; } = services.GetRequiredService<ServerSessions>();

    /// <summary>The next server to try for <paramref name="backend"/>, none of
    /// <paramref name="tried"/>; null when no available server is left.</summary>
    public (ClusterState Cluster, DestinationState Server)? Pick(string backend, IReadOnlyCollection<DestinationState> tried)
    {
        if (!_clusters.TryGetCluster(backend, out var cluster))
        {
            throw new InvalidOperationException($"Backend '{backend}' has no cluster.");
        }
        var available = cluster.DestinationsState.AvailableDestinations.Where(d => !tried.Contains(d)).ToArray();
        if (available.Length == 0)
        {
            return null;
        }
        var policy = _policies[cluster.Model.Config.LoadBalancingPolicy ?? LoadBalancingPolicies.PowerOfTwoChoices];
        return policy.PickDestination(NoRequest, cluster, available) is { } server ? (cluster, server) : null;
    }

    /// <summary><paramref name="server"/> refused a connection: it is down until it is retried.</summary>
    public void Refused(ClusterState cluster, DestinationState server) =>
        _health.SetPassive(cluster, server, DestinationHealth.Unhealthy, Reactivation);
}
