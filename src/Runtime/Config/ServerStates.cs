namespace ActorProxy.Runtime.Config;

/// <summary>A server's administrative state (<c>set server … state</c>).</summary>
public enum ServerAdminState
{
    /// <summary>Takes traffic when healthy.</summary>
    Ready,

    /// <summary>Takes no new traffic; what it serves finishes.</summary>
    Drain,

    /// <summary>In maintenance: takes no traffic.</summary>
    Maint,
}

/// <summary>A server's health as a script forces it (HAProxy's <c>srv_set_running</c>,
/// <c>srv_set_stopping</c>, <c>srv_set_stopped</c>: Lua's <c>check_force_up</c>, <c>_nolb</c>, <c>_down</c>).</summary>
public enum ServerForcedHealth
{
    /// <summary>Up: its health is its checks' again (none: up).</summary>
    Running,

    /// <summary>NOLB: takes no new traffic from the load balancing.</summary>
    Stopping,

    /// <summary>Down: takes no traffic.</summary>
    Stopped,
}

/// <summary>One line of <c>show servers state</c>.</summary>
/// <param name="Backend">The backend.</param>
/// <param name="Server">The server.</param>
/// <param name="Address">Its address.</param>
/// <param name="Admin">Its administrative state.</param>
/// <param name="Health">Its health: up, nolb or down, from its checks, a forced state or a failed forwarding.</param>
/// <param name="AdminChangedAt">When its administrative state was last set, or null if never.</param>
/// <param name="Weight">Its weight now (HAProxy's uweight).</param>
/// <param name="InitialWeight">Its weight as configured (iweight).</param>
/// <param name="MaxConn">The most sessions it serves at once now, 0 for no limit.</param>
/// <param name="Checks">Its health as HAProxy keeps it (its checks' counter); null reads as a
/// server never checked.</param>
public sealed record ServerState(string Backend, string Server, string Address, ServerAdminState Admin, string Health,
    DateTimeOffset? AdminChangedAt = null, int Weight = 1, int InitialWeight = 1, int MaxConn = 0, Health.ServerHealthView? Checks = null)
{
    /// <summary>True when it takes new traffic: ready, up and of a weight above 0
    /// (HAProxy's srv_currently_usable).</summary>
    public bool Usable => Admin == ServerAdminState.Ready && Health is ("up" or "unknown") && Weight > 0;
}

/// <summary>The servers of the running listeners, as the admin channel reads and changes them.</summary>
public interface IServerStates
{
    /// <summary>Every server of every backend.</summary>
    IReadOnlyList<ServerState> List();

    /// <summary>Sets a server's administrative state; null on success, else why not.</summary>
    string? Set(string backend, string server, ServerAdminState state);

    /// <summary>Forces a server's health; null on success, else why not.</summary>
    string? Force(string backend, string server, ServerForcedHealth health);

    /// <summary>Enables or disables a server's health checks (nothing for one without); null on
    /// success, else why not.</summary>
    string? SetChecks(string backend, string server, bool enabled);

    /// <summary>Moves a server to <paramref name="address"/> and, given, <paramref name="port"/>
    /// (<c>set server … addr</c>, Lua's <c>set_addr</c>): HAProxy's report of what changed, naming
    /// <paramref name="updater"/> — or of why nothing did; null when there is no such server.</summary>
    string? SetAddress(string backend, string server, string address, string? port, string updater);

    /// <summary>Changes a server's weight (<c>set server … weight</c>, Lua's <c>set_weight</c>):
    /// an absolute weight or a percentage of the configured one. Null when done, else HAProxy's
    /// words for why not.</summary>
    string? SetWeight(string backend, string server, string weight);

    /// <summary>Changes a server's maxconn (<c>set maxconn server</c>, Lua's <c>set_maxconn</c>):
    /// null when done, else HAProxy's words for why not.</summary>
    string? SetMaxConn(string backend, string server, string maxConn);

    /// <summary>Ends every session the server serves now (<c>shutdown sessions server</c>, Lua's
    /// <c>shut_sess</c>): its requests in flight and its relayed connections. False when there is
    /// no such server.</summary>
    bool ShutDownSessions(string backend, string server);
}
