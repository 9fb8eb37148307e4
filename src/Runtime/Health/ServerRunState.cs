namespace ActorProxy.Runtime.Health;

/// <summary>Whether a server runs, HAProxy's <c>srv->cur_state</c>.</summary>
public enum ServerRunState
{
    /// <summary>Up: takes traffic (SRV_ST_RUNNING).</summary>
    Running,

    /// <summary>NOLB: serves what it has, takes no new traffic (SRV_ST_STOPPING).</summary>
    Stopping,

    /// <summary>Down: takes no traffic (SRV_ST_STOPPED).</summary>
    Stopped,
}
