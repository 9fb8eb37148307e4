using System.Collections.Concurrent;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Health;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// Servers' administrative states and health: a YARP available-destinations policy that keeps
/// only servers running (<see cref="ServerHealth"/>: their checks, a forced state) and not failing
/// YARP's passive checks, <see cref="ServerAdminState.Ready"/> and of a weight above 0
/// (<see cref="ServerWeights"/>), and the admin channel's view of it.
/// </summary>
// YARP's destination updater uses every available-destinations policy, this one included: the
// registry resolves YARP's services when it needs them rather than in its constructor.
internal sealed class ServerStateRegistry(IServiceProvider services, ServerWeights weights, ServerDispatch dispatch, ServerSessions sessions, ServerHealthTable health)
    : IServerStates, IAvailableDestinationsPolicy
{
    private IProxyStateLookup Clusters => services.GetRequiredService<IProxyStateLookup>();

    /// <summary>The policy's name, set on every cluster.</summary>
    public const string PolicyName = "ActorProxyServerStates";

    private readonly ConcurrentDictionary<(string Backend, string Server), ServerAdminState> _admin = new();
    private readonly ConcurrentDictionary<(string Backend, string Server), DateTimeOffset> _changed = new();

    public string Name => PolicyName;

    public IReadOnlyList<DestinationState> GetAvailalableDestinations(ClusterConfig config, IReadOnlyList<DestinationState> allDestinations)
    {
        string backend = BackendClusters.BackendOf(config.ClusterId);
        return allDestinations.Where(d => IsUp(d) && _admin.GetValueOrDefault((backend, d.DestinationId)) == ServerAdminState.Ready
            && Running(backend, d.DestinationId) && weights.Of(backend, d.DestinationId).Weight > 0).ToArray();
    }

    public IReadOnlyList<ServerState> List() =>
        Clusters.GetClusters()
            .Where(c => c.ClusterId != BackendClusters.Unassigned && !BackendClusters.IsTunnel(c.ClusterId))
            .SelectMany(c => c.Destinations.Values.Select(d => StateOf(c.ClusterId, d)))
            .OrderBy(s => s.Backend, StringComparer.Ordinal).ThenBy(s => s.Server, StringComparer.Ordinal)
            .ToArray();

    private ServerState StateOf(string backend, DestinationState destination)
    {
        var key = (backend, destination.DestinationId);
        var checks = ViewOf(backend, destination.DestinationId);
        var weight = weights.Of(backend, destination.DestinationId);
        return new ServerState(backend, destination.DestinationId, AddressOf(backend, destination), _admin.GetValueOrDefault(key),
            HealthOf(destination, checks), _changed.TryGetValue(key, out var changed) ? changed : null,
            weight.Weight, weight.Initial, dispatch.QueueOf(backend)?.MaxConn(destination.DestinationId) ?? 0, checks);
    }

    public string? Set(string backend, string server, ServerAdminState state) => Change(backend, server, key =>
    {
        // Entering or leaving maintenance changes the server's health; each is nothing when already so.
        if (health.Of(key.Backend, key.Server) is { } serverHealth)
        {
            _ = state == ServerAdminState.Maint ? serverHealth.EnterMaintenance() : serverHealth.LeaveMaintenance();
        }
        _admin[key] = state;
        _changed[key] = TimeProvider.System.GetUtcNow();
    });

    public string? Force(string backend, string server, ServerForcedHealth forced) =>
        Change(backend, server, key => health.Of(key.Backend, key.Server)?.Force(forced));

    public string? SetChecks(string backend, string server, bool enabled) =>
        Change(backend, server, key => health.Of(key.Backend, key.Server)?.SetChecks(enabled));

    public string? SetWeight(string backend, string server, string weight)
    {
        string? refusal = null;
        return Change(backend, server, key => refusal = weights.Set(key.Backend, key.Server, weight)) ?? refusal;
    }

    public string? SetMaxConn(string backend, string server, string maxConn) => dispatch.SetMaxConn(backend, server, maxConn);

    public bool ShutDownSessions(string backend, string server)
    {
        if (!Clusters.TryGetCluster(backend, out var cluster) || BackendClusters.IsTunnel(backend) || backend == BackendClusters.Unassigned
            || !cluster.Destinations.ContainsKey(server))
        {
            return false;
        }
        sessions.ShutDown(backend, server);
        return true;
    }

    public string? SetAddress(string backend, string server, string address, string? port, string updater)
    {
        if (!Clusters.TryGetCluster(backend, out var cluster) || BackendClusters.IsTunnel(backend) || backend == BackendClusters.Unassigned
            || !cluster.Destinations.TryGetValue(server, out var destination))
        {
            return null;
        }
        var current = new Uri(AddressOf(backend, destination));
        var (report, host, newPort) = ServerAddressChange.Describe(current.Host.Trim('[', ']'), current.Port, address, port);
        if (host != current.Host.Trim('[', ']') || newPort != current.Port)
        {
            Move(backend, server, host, newPort);
        }
        return $"{report} by '{updater}'";
    }

    // A new address for the destination of the backend's clusters (and its tunnel twin): YARP
    // keeps its state (health, the balancing's) and connects there from now on.
    private void Move(string backend, string server, string host, int port)
    {
        var provider = services.GetRequiredService<InMemoryConfigProvider>();
        var config = provider.GetConfig();
        string address = $"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}";
        var clusters = config.Clusters.Select(c => BackendClusters.BackendOf(c.ClusterId) == backend && c.Destinations?.ContainsKey(server) == true
            ? c with { Destinations = c.Destinations.ToDictionary(d => d.Key, d => d.Key == server ? d.Value with { Address = address } : d.Value) }
            : c).ToArray();
        provider.Update(config.Routes, clusters);
    }

    // A server's address as the configuration has it now: the provider's, which a move changes at
    // once, before YARP has applied it to its destinations.
    private string AddressOf(string backend, DestinationState destination) =>
        services.GetRequiredService<InMemoryConfigProvider>().GetConfig().Clusters
            .FirstOrDefault(c => c.ClusterId == backend)?.Destinations?.GetValueOrDefault(destination.DestinationId)?.Address
        ?? destination.Model.Config.Address;

    // Applies a change to a server of a backend, then has YARP choose its destinations again and
    // the backend's rotation take them at once, as HAProxy applies a change when it is made.
    private string? Change(string backend, string server, Action<(string Backend, string Server)> change)
    {
        if (!Clusters.TryGetCluster(backend, out var cluster) || backend == BackendClusters.Unassigned || BackendClusters.IsTunnel(backend))
        {
            return $"no backend '{backend}'";
        }
        if (!cluster.Destinations.ContainsKey(server))
        {
            return $"backend '{backend}' has no server '{server}'";
        }
        change((backend, server));
        Refresh(cluster);
        return null;
    }

    /// <summary>Has YARP choose a backend's destinations again (and its tunnel twin's), and its
    /// rotation take them, after a server's state changed.</summary>
    public void Refresh(string backend)
    {
        if (Clusters.TryGetCluster(backend, out var cluster))
        {
            Refresh(cluster);
        }
    }

    private void Refresh(ClusterState cluster)
    {
        string backend = cluster.ClusterId;
        var updater = services.GetRequiredService<IClusterDestinationsUpdater>();
        updater.UpdateAvailableDestinations(cluster);
        if (Clusters.TryGetCluster(BackendClusters.TunnelOf(backend), out var tunnel))
        {
            updater.UpdateAvailableDestinations(tunnel);
        }
        dispatch.Sync(backend, cluster.DestinationsState.AvailableDestinations);
    }

    // YARP's passive checks: a server that failed a forwarding rests a while.
    private static bool IsUp(DestinationState destination) => destination.Health.Passive != DestinationHealth.Unhealthy;

    private bool Running(string backend, string server) => health.Of(backend, server)?.State is null or ServerRunState.Running;

    private ServerHealthView ViewOf(string backend, string server) => health.Of(backend, server)?.View() ?? ServerHealthView.Unchecked;

    private static string HealthOf(DestinationState destination, ServerHealthView view) =>
        !IsUp(destination) ? "down" : view.State switch
        {
            ServerRunState.Running => "up",
            ServerRunState.Stopping => "nolb",
            _ => "down",
        };
}
