using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// The sessions each server serves now — an HTTP request forwarded to it, a TCP connection
/// relayed to it — so that they can be ended together, as HAProxy's srv_shutdown_streams ends a
/// server's streams (Lua's <c>Server.shut_sess</c>, <c>shutdown sessions server B/S</c>).
/// </summary>
internal sealed class ServerSessions
{
    private readonly ConcurrentDictionary<(string Backend, string Server), ConcurrentDictionary<Session, byte>> _sessions = new();

    /// <summary>A session of <paramref name="server"/>, which <paramref name="end"/> ends; it is
    /// the server's until the registration is disposed.</summary>
    public IDisposable Enter(string backend, string server, Action end)
    {
        var sessions = _sessions.GetOrAdd((backend, server), static _ => new());
        var session = new Session(sessions, end);
        sessions[session] = 0;
        return session;
    }

    /// <summary>The step of the proxy pipeline after load balancing: the request is a session of
    /// the server it goes to until it is answered; ending it aborts the client's connection.</summary>
    public async Task TrackAsync(HttpContext context, Func<Task> next)
    {
        var proxy = context.GetReverseProxyFeature();
        if (proxy.AvailableDestinations is not [var server])
        {
            await next();
            return;
        }
        using var session = Enter(BackendClusters.BackendOf(proxy.Cluster.Config.ClusterId), server.DestinationId, () =>
        {
            // HAProxy's KH or KD: killed before or during the response.
            AccessLog.HttpAccessLog.Of(context)?.Entry.Termination = new Runtime.Logging.Termination('K', context.Response.HasStarted ? 'D' : 'H');
            context.Abort();
        });
        await next();
    }

    /// <summary>Ends every session <paramref name="server"/> serves now.</summary>
    public void ShutDown(string backend, string server)
    {
        if (_sessions.TryGetValue((backend, server), out var sessions))
        {
            foreach (var session in sessions.Keys)
            {
                session.End();
            }
        }
    }

    private sealed class Session(ConcurrentDictionary<Session, byte> owner, Action end) : IDisposable
    {
        public void End() => end();

        public void Dispose() => owner.TryRemove(this, out _);
    }
}
