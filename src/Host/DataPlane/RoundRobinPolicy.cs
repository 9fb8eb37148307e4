using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// HAProxy's <c>balance roundrobin</c> as a YARP load-balancing policy: the backend's
/// <see cref="Runtime.Balancing.WeightedRoundRobin"/> picks, in HAProxy's order and by the
/// servers' weights. A backend and its tunnel twin share one rotation, as they are one HAProxy
/// backend. The servers YARP offers (healthy, ready) are what the rotation takes; a server the
/// caller leaves out of <c>availableDestinations</c> (one a TCP connection already tried) is
/// skipped without losing its place.
/// </summary>
// YARP's configuration validator takes every policy, and the cluster lookup takes the validator:
// the lookup is resolved when a pick needs it.
internal sealed class RoundRobinPolicy(ServerWeights weights, IServiceProvider services) : ILoadBalancingPolicy
{
    /// <summary>The policy's name, set on the clusters of roundrobin backends.</summary>
    public const string PolicyName = "ActorProxyRoundRobin";

    // The destinations state each cluster's rotation last saw: YARP makes a new one per change.
    private readonly ConditionalWeakTable<ClusterState, ClusterDestinationsState> _seen = [];

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        // YARP hands the route's cluster; a request the pipeline sent to a backend's names it in
        // its proxy feature.
        if (context.Features.Get<IReverseProxyFeature>()?.Cluster.Config.ClusterId is { } assigned && assigned != cluster.ClusterId
            && !services.GetRequiredService<IProxyStateLookup>().TryGetCluster(assigned, out cluster!))
        {
            return null;
        }
        string backend = BackendClusters.BackendOf(cluster.ClusterId);
        if (weights.RotationOf(backend) is not { } rotation)
        {
            return null;
        }
        var state = cluster.DestinationsState;
        if (!_seen.TryGetValue(cluster, out var seen) || !ReferenceEquals(seen, state))
        {
            weights.Sync(backend, state.AvailableDestinations);
            _seen.AddOrUpdate(cluster, state);
        }
        string? name = ReferenceEquals(availableDestinations, state.AvailableDestinations)
            ? rotation.Next(static _ => true)
            : rotation.Next(server => availableDestinations.Any(d => d.DestinationId == server));
        return name is null ? null : availableDestinations.FirstOrDefault(d => d.DestinationId == name);
    }
}
