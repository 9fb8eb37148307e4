using System.Collections.Concurrent;
using ActorProxy.Runtime.Config;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// Servers' administrative states on top of YARP's health: a YARP available-destinations policy
/// that keeps only servers both healthy (or not checked yet) and <see cref="ServerAdminState.Ready"/>,
/// and the admin channel's view of it.
/// </summary>
// YARP's destination updater uses every available-destinations policy, this one included: the
// registry resolves YARP's services when it needs them rather than in its constructor.
internal sealed class ServerStateRegistry(IServiceProvider services) : IServerStates, IAvailableDestinationsPolicy
{
    private IProxyStateLookup Clusters => services.GetRequiredService<IProxyStateLookup>();

    /// <summary>The policy's name, set on every cluster.</summary>
    public const string PolicyName = "ActorProxyServerStates";

    private readonly ConcurrentDictionary<(string Backend, string Server), ServerAdminState> _admin = new();
    private readonly ConcurrentDictionary<(string Backend, string Server), DateTimeOffset> _changed = new();

    public string Name => PolicyName;

    public IReadOnlyList<DestinationState> GetAvailalableDestinations(ClusterConfig config, IReadOnlyList<DestinationState> allDestinations) =>
        allDestinations.Where(d => IsUp(d) && _admin.GetValueOrDefault((BackendClusters.BackendOf(config.ClusterId), d.DestinationId)) == ServerAdminState.Ready).ToArray();

    public IReadOnlyList<ServerState> List() =>
        Clusters.GetClusters()
            .Where(c => c.ClusterId != BackendClusters.Unassigned && !BackendClusters.IsTunnel(c.ClusterId))
            .SelectMany(c => c.Destinations.Values.Select(d => new ServerState(
                c.ClusterId, d.DestinationId, d.Model.Config.Address,
                _admin.GetValueOrDefault((c.ClusterId, d.DestinationId)),
                d.Health.Active == DestinationHealth.Unhealthy || d.Health.Passive == DestinationHealth.Unhealthy ? "down"
                    : d.Health.Active == DestinationHealth.Healthy ? "up" : "unknown",
                _changed.TryGetValue((c.ClusterId, d.DestinationId), out var changed) ? changed : null)))
            .OrderBy(s => s.Backend, StringComparer.Ordinal).ThenBy(s => s.Server, StringComparer.Ordinal)
            .ToArray();

    public string? Set(string backend, string server, ServerAdminState state)
    {
        if (!Clusters.TryGetCluster(backend, out var cluster) || backend == BackendClusters.Unassigned || BackendClusters.IsTunnel(backend))
        {
            return $"no backend '{backend}'";
        }
        if (!cluster.Destinations.ContainsKey(server))
        {
            return $"backend '{backend}' has no server '{server}'";
        }
        _admin[(backend, server)] = state;
        _changed[(backend, server)] = TimeProvider.System.GetUtcNow();
        var updater = services.GetRequiredService<IClusterDestinationsUpdater>();
        updater.UpdateAvailableDestinations(cluster);
        if (Clusters.TryGetCluster(BackendClusters.TunnelOf(backend), out var tunnel))
        {
            updater.UpdateAvailableDestinations(tunnel);
        }
        return null;
    }

    private static bool IsUp(DestinationState destination) =>
        destination.Health.Active != DestinationHealth.Unhealthy && destination.Health.Passive != DestinationHealth.Unhealthy;
}
