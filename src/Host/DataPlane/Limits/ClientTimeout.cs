using System.IO.Pipelines;
using System.Net.Sockets;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>The connection middleware of a frontend's timeouts: <see cref="ClientInactivity"/>
/// (<c>timeout client</c>, which a backend's <c>timeout tunnel</c> replaces once a TCP relay
/// starts or an HTTP connection is upgraded)
/// and, on an HTTP frontend, the <see cref="HttpRequestTimer"/> (<c>timeout http-request</c>,
/// <c>http-keep-alive</c>).</summary>
internal static class ClientTimeout
{
    /// <summary>True when <paramref name="frontend"/> has a timeout this middleware carries out.</summary>
    public static bool Applies(FrontendSettings frontend, IReadOnlyList<BackendSettings> backends) =>
        frontend.Timeouts.Client is not null ||
        (frontend.Mode == ProxyMode.Http && (frontend.Timeouts.RequestHead ?? frontend.Timeouts.NextRequest) is not null) ||
        backends.Any(b => b.TunnelTimeout is not null);

    public static async Task GuardAsync(FrontendSettings frontend, ConnectionContext connection, ConnectionDelegate next)
    {
        var transport = connection.Transport;
        using var request = frontend.Mode == ProxyMode.Http
            ? new HttpRequestTimer(frontend.Timeouts.RequestHead, frontend.Timeouts.NextRequest,
                () => AnswerTimedOutAsync(connection, transport.Output), () => Close(connection), TimeProvider.System)
            : null;
        request?.AttachTo(connection);
        using var idle = new ClientInactivity(transport, frontend.Timeouts.Client,
            () => Close(connection), request is null ? null : request.DataArrived, TimeProvider.System);
        idle.AttachTo(connection);
        connection.Transport = idle;
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    }

    // HAProxy's 408 page, written where Kestrel, waiting for a request, writes nothing.
    private static async Task AnswerTimedOutAsync(ConnectionContext connection, PipeWriter output)
    {
        try
        {
            await output.WriteAsync(RequestTimeoutPage.Bytes);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The client is gone already.
        }
        Close(connection);
    }

    // A FIN, as HAProxy closes on a timeout, then the connection's end.
    private static void Close(ConnectionContext connection)
    {
        try
        {
            connection.Features.Get<IConnectionSocketFeature>()?.Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        connection.Abort(new ConnectionAbortedException("a client timeout expired"));
    }
}
