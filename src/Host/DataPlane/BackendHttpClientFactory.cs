using System.Net.Http;
using ActorProxy.Runtime.Config;
using Yarp.ReverseProxy.Forwarder;

namespace ActorProxy.Host.DataPlane;

/// <summary>YARP's client factory with each backend's <c>timeout connect</c>, and connections
/// registered in the fd table.</summary>
internal sealed class BackendHttpClientFactory(IReadOnlyList<BackendSettings> backends, BackendConnections connections) : ForwarderHttpClientFactory
{
    private readonly Dictionary<string, TimeSpan> _connectTimeouts = backends.ToDictionary(b => b.Name, b => b.ConnectTimeout);

    /// <inheritdoc/>
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        if (_connectTimeouts.TryGetValue(context.ClusterId, out var timeout))
        {
            handler.ConnectTimeout = timeout;
        }
        string backend = context.ClusterId;
        handler.ConnectCallback = async (connect, cancel) =>
            await connections.ConnectSharedAsync(backend, connect.DnsEndPoint.Host, connect.DnsEndPoint.Port, cancel);
    }
}
