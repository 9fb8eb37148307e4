using ActorProxy.Runtime.Config;

namespace ActorProxy.Runtime.Health;

/// <summary>The health of every server of a node's backends, checked as their backend's
/// <c>health-check</c> says.</summary>
public sealed class ServerHealthTable
{
    private readonly Dictionary<(string Backend, string Server), ServerHealth> _servers;

    /// <summary>Every server of <paramref name="config"/>'s backends, up.</summary>
    public ServerHealthTable(ProxyConfig config) =>
        _servers = config.Backends
            .SelectMany(b => b.Servers.Select(s => (Key: (b.Name, s.Name), Health: new ServerHealth(b.HealthCheck))))
            .ToDictionary(e => e.Key, e => e.Health);

    /// <summary>A server's health, or null when the backend has no such server.</summary>
    public ServerHealth? Of(string backend, string server) => _servers.GetValueOrDefault((backend, server));
}
