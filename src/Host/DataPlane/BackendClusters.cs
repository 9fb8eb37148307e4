using ActorProxy.Runtime.Config;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.LoadBalancing;

namespace ActorProxy.Host.DataPlane;

/// <summary>Maps ActorProxy backends onto YARP clusters: servers become destinations, <c>balance</c>
/// a load-balancing policy; passive checks are always on (the active ones are ServerChecks').</summary>
internal static class BackendClusters
{
    /// <summary>The cluster the catch-all route names until the rules reassign the request.</summary>
    public const string Unassigned = "__actorproxy-unassigned";

    /// <summary>The one route: every request enters the proxy pipeline, where rules choose the cluster.</summary>
    public static RouteConfig[] Routes() =>
    [
        new RouteConfig { RouteId = "actorproxy", ClusterId = Unassigned, Match = new RouteMatch { Path = "{**catch-all}" } },
    ];

    /// <summary>One cluster per backend, plus the unassigned one. A TCP backend's cluster only
    /// chooses its servers (TcpServerChoice): YARP never forwards to it.</summary>
    public static ClusterConfig[] Clusters(IEnumerable<BackendSettings> backends) =>
    [
        new ClusterConfig { ClusterId = Unassigned },
        .. backends.Select(b => Cluster(b, b.Name, b.ServerTimeout)),
        .. backends.Where(b => b.Mode == ProxyMode.Http && b.TunnelTimeout is not null)
            .Select(b => Cluster(b, TunnelOf(b.Name), b.TunnelTimeout!.Value)),
    ];

    /// <summary>The twin cluster of an HTTP backend with <c>timeout tunnel</c>, which upgrade
    /// requests (WebSocket) go to: YARP's activity timeout, which is the server side's, is one per
    /// cluster, and once a connection is a tunnel HAProxy's <c>timeout tunnel</c> replaces
    /// <c>timeout server</c>.</summary>
    public static string TunnelOf(string backend) => backend + TunnelSuffix;

    /// <summary>The backend a cluster serves: its own, or the one it is the tunnel twin of.</summary>
    public static string BackendOf(string clusterId) =>
        clusterId.EndsWith(TunnelSuffix, StringComparison.Ordinal) ? clusterId[..^TunnelSuffix.Length] : clusterId;

    /// <summary>True for a tunnel twin (<see cref="TunnelOf"/>).</summary>
    public static bool IsTunnel(string clusterId) => clusterId.EndsWith(TunnelSuffix, StringComparison.Ordinal);

    // A backend name read from HOCON keys cannot hold '~' unquoted; a quoted one is refused at check.
    private const string TunnelSuffix = "~tunnel";

    private static ClusterConfig Cluster(BackendSettings backend, string id, TimeSpan activityTimeout) => new()
    {
        ClusterId = id,
        LoadBalancingPolicy = backend.Balance switch
        {
            BalanceAlgorithm.LeastConn => LoadBalancingPolicies.LeastRequests,
            BalanceAlgorithm.Random => LoadBalancingPolicies.Random,
            // HAProxy's first takes servers in declaration order; YARP's, by destination id.
            BalanceAlgorithm.First => LoadBalancingPolicies.FirstAlphabetical,
            // HAProxy's roundrobin is ServerDispatch's, a step before YARP's load balancing,
            // which then has the one server chosen and asks no policy.
            _ => null,
        },
        Destinations = backend.Servers.ToDictionary(
            server => server.Name,
            server => new DestinationConfig { Address = $"http://{server.Host}:{server.Port}" }),
        // HTTP/1.1 to servers (the version a request came with does not pass on, as in HAProxy),
        // HTTP/2 to those of proto h2: with prior knowledge, as the handler sees clear text even
        // where BackendHttpClientFactory made TLS below it.
        HttpRequest = backend.Servers.Count > 0 && backend.Servers.All(s => s.Http2)
            ? new ForwarderRequestConfig { ActivityTimeout = activityTimeout, Version = System.Net.HttpVersion.Version20, VersionPolicy = System.Net.Http.HttpVersionPolicy.RequestVersionExact }
            : new ForwarderRequestConfig { ActivityTimeout = activityTimeout, Version = System.Net.HttpVersion.Version11, VersionPolicy = System.Net.Http.HttpVersionPolicy.RequestVersionOrLower },
        HealthCheck = new HealthCheckConfig
        {
            AvailableDestinationsPolicy = ServerStateRegistry.PolicyName,
            Passive = new PassiveHealthCheckConfig { Enabled = true, ReactivationPeriod = TimeSpan.FromSeconds(10) },
        },
    };
}
