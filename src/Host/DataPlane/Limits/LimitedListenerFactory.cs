using System.Net;
using ActorProxy.Runtime.Config;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>
/// Kestrel's transport for ActorProxy's frontends: the sockets transport, one per frontend so that
/// each listens with its own <c>backlog</c>, behind a <see cref="LimitedListener"/> that enforces
/// the frontend's and the node's <c>maxconn</c>, whose socket can be paused and stopped
/// (<see cref="FrontendListeners"/>). Registered after Kestrel's own, so Kestrel binds through it.
/// </summary>
internal sealed class LimitedListenerFactory(IReadOnlyList<FrontendSettings> frontends, NodeConnectionLimits limits,
    FrontendListeners listeners, ILoggerFactory loggers) : IConnectionListenerFactory
{
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var frontend = frontends.Single(f => f.Bind.Equals(endpoint));
        var gate = limits.Of(frontend);
        var options = new SocketTransportOptions { Backlog = frontend.Backlog > 0 ? frontend.Backlog : gate.Limit };
        InlineIo.Configure(options);
        var sockets = new SocketTransportFactory(Options.Create(options), loggers);
        var first = await sockets.BindAsync(endpoint, cancellationToken);
        // A resumed frontend binds again at once (the sockets transport binds synchronously).
        var socket = new ListenerSwitch(frontend.Name, first, address => sockets.BindAsync(address).AsTask().GetAwaiter().GetResult(),
            loggers.CreateLogger<ListenerSwitch>());
        listeners.Add(frontend.Name, socket);
        return new LimitedListener(socket, gate, limits.Node);
    }
}
