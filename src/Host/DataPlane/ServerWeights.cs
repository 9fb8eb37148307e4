using System.Collections.Concurrent;
using ActorProxy.Runtime.Balancing;
using ActorProxy.Runtime.Config;
using Yarp.ReverseProxy.Model;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// The servers' weights of a node: each server's configured weight (HAProxy's iweight) and its
/// weight now (uweight, which <c>set server … weight</c> and Lua's <c>set_weight</c> change), and
/// for each roundrobin backend the rotation that carries them out (<see cref="WeightedRoundRobin"/>).
/// A server of weight 0 takes no new traffic whatever the algorithm, as in HAProxy.
/// </summary>
internal sealed class ServerWeights
{
    private readonly Dictionary<string, BackendSettings> _backends;
    private readonly Dictionary<string, WeightedRoundRobin> _rotations;
    private readonly ConcurrentDictionary<(string Backend, string Server), int> _weights = new();

    public ServerWeights(ProxyConfig config)
    {
        _backends = config.Backends.ToDictionary(b => b.Name, StringComparer.Ordinal);
        _rotations = config.Backends.Where(b => b.Balance == BalanceAlgorithm.RoundRobin)
            .ToDictionary(b => b.Name, b => new WeightedRoundRobin(b.Servers.Select(s => (s.Name, s.Weight))), StringComparer.Ordinal);
        foreach (var backend in config.Backends)
        {
            foreach (var server in backend.Servers)
            {
                _weights[(backend.Name, server.Name)] = server.Weight;
            }
        }
    }

    /// <summary>The rotation of a roundrobin backend; null for another algorithm.</summary>
    public WeightedRoundRobin? RotationOf(string backend) => _rotations.GetValueOrDefault(backend);

    /// <summary>The server's weight now and as configured.</summary>
    public (int Weight, int Initial) Of(string backend, string server) =>
        (_weights.GetValueOrDefault((backend, server), 1), Initial(backend, server));

    /// <summary>Changes a server's weight as HAProxy's server_parse_weight_change_request does:
    /// null when done, else HAProxy's words for why not (ending in a newline where HAProxy's do).</summary>
    public string? Set(string backend, string server, string request)
    {
        int initial = Initial(backend, server);
        if (ServerWeightChange.Parse(request, initial, out string? error) is not { } weight)
        {
            return error;
        }
        if (weight != 0 && weight != initial && !_rotations.ContainsKey(backend))
        {
            // HAProxy's answer for its static algorithms; ActorProxy's leastconn, random and first
            // pick without weights (YARP's policies), so only 0 and the configured weight hold.
            return $"Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n";
        }
        _weights[(backend, server)] = weight;
        _rotations.GetValueOrDefault(backend)?.SetWeight(server, weight);
        return null;
    }

    /// <summary>Tells a backend's rotation which of its servers are available now (healthy,
    /// ready, not forced down): those that changed come in or leave, as HAProxy's
    /// set_server_status_up/down.</summary>
    public void Sync(string backend, IReadOnlyList<DestinationState> available)
    {
        if (_rotations.GetValueOrDefault(backend) is not { } rotation)
        {
            return;
        }
        foreach (var server in _backends[backend].Servers)
        {
            rotation.SetReady(server.Name, available.Any(d => d.DestinationId == server.Name));
        }
    }

    private int Initial(string backend, string server) =>
        _backends.GetValueOrDefault(backend)?.Servers.FirstOrDefault(s => s.Name == server)?.Weight ?? 1;
}
