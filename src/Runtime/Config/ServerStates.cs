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

/// <summary>One line of <c>show servers state</c>.</summary>
/// <param name="Backend">The backend.</param>
/// <param name="Server">The server.</param>
/// <param name="Address">Its address.</param>
/// <param name="Admin">Its administrative state.</param>
/// <param name="Health">Its health as checks see it: up, down or unknown.</param>
/// <param name="AdminChangedAt">When its administrative state was last set, or null if never.</param>
public sealed record ServerState(string Backend, string Server, string Address, ServerAdminState Admin, string Health, DateTimeOffset? AdminChangedAt = null);

/// <summary>The servers of the running listeners, as the admin channel reads and changes them.</summary>
public interface IServerStates
{
    /// <summary>Every server of every backend.</summary>
    IReadOnlyList<ServerState> List();

    /// <summary>Sets a server's administrative state; null on success, else why not.</summary>
    string? Set(string backend, string server, ServerAdminState state);
}
