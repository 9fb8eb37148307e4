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
/// the frontend's and the node's <c>maxconn</c>. Registered after Kestrel's own, so Kestrel binds
/// through it.
/// </summary>
internal sealed class LimitedListenerFactory(IReadOnlyList<FrontendSettings> frontends, NodeConnectionLimits limits, ILoggerFactory loggers)
    : IConnectionListenerFactory
{
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var frontend = frontends.Single(f => f.Bind.Equals(endpoint));
        var gate = limits.Of(frontend);
        var options = new SocketTransportOptions { Backlog = frontend.Backlog > 0 ? frontend.Backlog : gate.Limit };
        InlineIo.Configure(options);
        var sockets = new SocketTransportFactory(Options.Create(options), loggers);
        return new LimitedListener(await sockets.BindAsync(endpoint, cancellationToken), gate, limits.Node);
    }
}
