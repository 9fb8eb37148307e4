using ActorProxy.Runtime.Config;

namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>The node's <c>maxconn</c> gate and each frontend's: a frontend's maxconn 0 is the
/// global one (HAProxy's default), and the global 0 is derived from the descriptor limit.</summary>
internal sealed class NodeConnectionLimits : IDisposable
{
    private readonly Dictionary<string, AcceptGate> _frontends;

    public NodeConnectionLimits(ProxyConfig config)
    {
        int maxconn = config.Global.MaxConn > 0
            ? config.Global.MaxConn
            : ConnectionLimit.Derive(ConnectionLimit.FileDescriptorLimit(), ConnectionLimit.OpenFiles(), config.Frontends.Count, config.Global.Threads);
        Node = new AcceptGate(maxconn);
        _frontends = config.Frontends.ToDictionary(f => f.Name, f => new AcceptGate(f.MaxConn > 0 ? f.MaxConn : maxconn));
    }

    /// <summary>The whole node's.</summary>
    public AcceptGate Node { get; }

    /// <summary>One frontend's.</summary>
    public AcceptGate Of(FrontendSettings frontend) => _frontends[frontend.Name];

    /// <summary>Ends the gates, once the listeners are gone (the web host disposes it).</summary>
    public void Dispose()
    {
        Node.Dispose();
        foreach (var gate in _frontends.Values)
        {
            gate.Dispose();
        }
    }
}
