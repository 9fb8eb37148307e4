using System.Net.Http;
using System.Net.Security;
using ActorProxy.Runtime.Config;
using Yarp.ReverseProxy.Forwarder;

namespace ActorProxy.Host.DataPlane;

/// <summary>YARP's client factory with each backend's <c>timeout connect</c>, connections
/// registered in the fd table, and TLS to the servers that have <c>ssl</c>: the handshake is made
/// here, on the connection, so that the SNI sent and the checks are the server line's (HAProxy's),
/// not those .NET derives from the request's Host; the handler then speaks HTTP over it.</summary>
internal sealed class BackendHttpClientFactory(IReadOnlyList<BackendSettings> backends, BackendConnections connections, AccessLog.ServerConnectTimes connects)
    : ForwarderHttpClientFactory
{
    private readonly Dictionary<string, TimeSpan> _connectTimeouts = backends.ToDictionary(b => b.Name, b => b.ConnectTimeout);
    private readonly Dictionary<(string Backend, string Host, int Port), ServerSettings> _ssl = backends
        .SelectMany(b => b.Servers.Where(s => s.Ssl is not null).Select(s => (Key: (b.Name, s.Host, s.Port), Server: s)))
        .DistinctBy(s => s.Key)
        .ToDictionary(s => s.Key, s => s.Server);

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
        {
            long started = TimeProvider.System.GetTimestamp();
            var stream = await connections.ConnectSharedAsync(backend, connect.DnsEndPoint.Host, connect.DnsEndPoint.Port, cancel);
            if (!_ssl.TryGetValue((backend, connect.DnsEndPoint.Host, connect.DnsEndPoint.Port), out var server))
            {
                connects.Connected(connect.InitialRequestMessage, TimeProvider.System.GetElapsedTime(started));
                return stream;
            }
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(server.Ssl!.ClientOptions(server.Http2), cancel);
                connects.Connected(connect.InitialRequestMessage, TimeProvider.System.GetElapsedTime(started));
            }
            catch
            {
                await tls.DisposeAsync();
                throw;
            }
            return tls;
        };
    }
}
