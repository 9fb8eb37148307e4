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
    private readonly ServerDispatch _dispatch = services.GetRequiredService<ServerDispatch>();

    /// <summary>The servers' sessions, which a relayed connection is one of.</summary>
    public ServerSessions Sessions { get; } = services.GetRequiredService<ServerSessions>();

    /// <summary>The next server to try for <paramref name="backend"/>, none of
    /// <paramref name="tried"/>: for a roundrobin backend, HAProxy's next with a slot free (taken:
    /// give it back with <see cref="Release"/>), after a wait in the backend's queue when every
    /// server is full (<see cref="ServerDispatch"/>). Null when no available server is left, or
    /// when the wait ended first (<see cref="Choice.QueuePosition"/> then says where it stood).</summary>
    public async Task<Choice> PickAsync(string backend, IReadOnlyCollection<DestinationState> tried, CancellationToken left)
    {
        if (!_clusters.TryGetCluster(backend, out var cluster))
        {
            throw new InvalidOperationException($"Backend '{backend}' has no cluster.");
        }
        var available = cluster.DestinationsState.AvailableDestinations.Where(d => !tried.Contains(d)).ToArray();
        if (available.Length == 0)
        {
            return new Choice(cluster, null, 0);
        }
        if (_dispatch.QueueOf(backend) is null)
        {
            var policy = _policies[cluster.Model.Config.LoadBalancingPolicy ?? LoadBalancingPolicies.PowerOfTwoChoices];
            return new Choice(cluster, policy.PickDestination(NoRequest, cluster, available), 0);
        }
        _dispatch.Follow(cluster);
        if (_dispatch.TryAssign(backend, available) is { } assigned)
        {
            return new Choice(cluster, assigned, 0, Slot: true);
        }
        var (granted, position) = await _dispatch.WaitAsync(backend, left);
        return new Choice(cluster, granted, position, Slot: granted is not null, TimedOut: granted is null);
    }

    /// <summary>Gives back the slot a choice took, if it took one.</summary>
    public void Release(string backend, Choice choice)
    {
        if (choice is { Slot: true, Server: { } server })
        {
            _dispatch.Release(backend, server.DestinationId);
        }
    }

    /// <summary><paramref name="server"/> refused a connection: it is down until it is retried.</summary>
    public void Refused(ClusterState cluster, DestinationState server) =>
        _health.SetPassive(cluster, server, DestinationHealth.Unhealthy, Reactivation);

    /// <summary>A server chosen for a connection.</summary>
    /// <param name="Cluster">The backend's cluster.</param>
    /// <param name="Server">The server, or null for none.</param>
    /// <param name="QueuePosition">Its <c>%bq</c>: 0 unless it waited in the queue.</param>
    /// <param name="Slot">True when a slot of the server was taken for it.</param>
    /// <param name="TimedOut">True when no server came within <c>timeout queue</c>.</param>
    public sealed record Choice(ClusterState Cluster, DestinationState? Server, long QueuePosition, bool Slot = false, bool TimedOut = false);
}
