using ActorProxy.Host.DataPlane.Limits;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Stats;
using Yarp.ReverseProxy;

namespace ActorProxy.Host.Metrics;

/// <summary>The listeners' live counts: connections from the accept gates, requests in flight
/// from YARP's destinations.</summary>
internal sealed class LiveStats(NodeConnectionLimits limits, IProxyStateLookup clusters, IFrontendListeners listeners, DataPlane.ServerDispatch dispatch) : ILiveStats
{
    public int Queued(string backend) => dispatch.QueueOf(backend)?.Length ?? 0;

    public int MaxQueued(string backend) => dispatch.QueueOf(backend)?.MaxLength ?? 0;

    public ListenerState FrontendState(FrontendSettings frontend) => listeners.StateOf(frontend.Name);

    public int FrontendSessions(FrontendSettings frontend) => limits.Of(frontend).Connections;

    public int FrontendLimit(FrontendSettings frontend) => limits.Of(frontend).Limit;

    public int InFlight(string backend, string? server)
    {
        if (dispatch.Served(backend, server) is { } served)
        {
            return served;
        }
        if (!clusters.TryGetCluster(backend, out var cluster))
        {
            return 0;
        }
        return cluster.Destinations.Where(d => server is null || d.Key == server).Sum(d => d.Value.ConcurrentRequestCount);
    }
}
