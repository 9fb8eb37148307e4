using ActorProxy.Runtime.Config;

namespace ActorProxy.Runtime.Stats;

/// <summary>What only the running listeners know of the node's proxies: connections open now,
/// the limits in force, the listeners' states, requests in flight to the servers.</summary>
public interface ILiveStats
{
    /// <summary>A frontend's connections open now (HAProxy's <c>scur</c>).</summary>
    int FrontendSessions(FrontendSettings frontend);

    /// <summary>A frontend's maxconn in force (<c>slim</c>).</summary>
    int FrontendLimit(FrontendSettings frontend);

    /// <summary>Where a frontend's listener stands (open, paused, stopped).</summary>
    ListenerState FrontendState(FrontendSettings frontend);

    /// <summary>Requests in flight to a backend (those waiting in its queue included, as HAProxy's
    /// beconn), or to one of its servers.</summary>
    int InFlight(string backend, string? server);

    /// <summary>Sessions waiting in a backend's queue now (<c>qcur</c>).</summary>
    int Queued(string backend);

    /// <summary>The most sessions that waited in a backend's queue at once (<c>qmax</c>).</summary>
    int MaxQueued(string backend);
}
