using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Net.Sockets;
using System.Threading.Channels;
using ActorProxy.Actors.Lua;
using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Rules;
using Akka.Actor;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// The TCP frontends: <c>tcp-request</c> rules on each accepted connection, then either a Lua
/// service (run by the worker, or by the shared state when it registered the service) or a byte
/// relay to a server of the chosen backend, both ways, each side closing on its own.
/// </summary>
internal sealed class TcpFrontendHandler(ProxyNode node, BackendConnections connections, Logging.AccessLogSink accessLog, ILogger logger)
{
    private const int BufferSize = 16384;

    // The relay's buffers for server-to-client bytes (HAProxy's pool_head_buffer).
    private readonly Runtime.Pools.Pool<byte[]> _buffers = node.Pools.Create("tcp_relay_buffer", BufferSize, () => new byte[BufferSize]);
    private readonly IReadOnlyList<IActorRef> _workers = node.Workers;

    private static long s_nextSession;

    private readonly Dictionary<string, BackendSettings> _backends = node.Config.Backends.ToDictionary(b => b.Name);

    /// <summary>How servers are chosen; set once the web host (and YARP's cluster state) is built.</summary>
    public TcpServerChoice? Servers { get; set; }

    /// <summary>The connection limits, whose counts the access log writes; set with <see cref="Servers"/>.</summary>
    public Limits.NodeConnectionLimits? ConnectionLimits { get; set; }

    /// <summary>Serves one connection accepted by <paramref name="frontend"/>; returning closes it.</summary>
    public async Task HandleAsync(FrontendSettings frontend, ConnectionContext connection)
    {
        var client = connection.RemoteEndPoint as IPEndPoint;
        var session = new HttpExchange(frontend.Name, "", "", null, "")
        {
            ClientAddress = client?.Address.ToString() ?? "",
            ClientPort = client?.Port ?? 0,
            LocalAddress = (connection.LocalEndPoint as IPEndPoint)?.Address.ToString() ?? "",
            LocalPort = (connection.LocalEndPoint as IPEndPoint)?.Port ?? 0,
            Tls = TlsTermination.SessionOf(connection.Features),
        };
        var log = AccessLog.TcpAccessLog.Start(frontend, connection, accessLog, node.Stats, TimeProvider.System);
        try
        {
            await HandleAsync(frontend, connection, session, log);
        }
        finally
        {
            if (log is not null && ConnectionLimits is { } limits)
            {
                log.End(limits.Node.Connections, limits.Of(frontend).Connections);
                session.Tracked?.CountBytes(log.Entry.BytesIn, log.Entry.BytesOut);
            }
            // The session's stick counters let go: one connection fewer for each.
            session.Tracked?.Release();
        }
    }

    private async Task HandleAsync(FrontendSettings frontend, ConnectionContext connection, HttpExchange session, AccessLog.TcpAccessLog? log)
    {
        // The connection's worker: its Lua actions and its service run there.
        int thread = ConnectionTracker.WorkerOf(connection.Items);
        var worker = _workers[thread - 1];
        var rules = new TcpRequestRules(frontend, session);
        await InspectAsync(frontend, connection.Transport.Input, session, rules, worker);
        switch (rules.Outcome)
        {
            case TcpRequestOutcome.Serve:
                log?.Serving(rules.Target!);
                await ServeAsync(rules.Target!, worker, session, connection, log);
                break;
            case TcpRequestOutcome.Relay:
                await RelayAsync(_backends[rules.Target!], thread, connection, session.RequestBuffer?.Pending() ?? [], log);
                break;
            case TcpRequestOutcome.Close when rules.RejectedOnConnection:
                // HAProxy has no session yet at tcp-request connection: nothing is logged.
                log?.Discard();
                break;
            case TcpRequestOutcome.Close:
                log?.Rejected();
                break;
        }
    }

    // tcp_inspect_request: the rules run on what the client has sent; while one of them cannot tell
    // yet (or a Lua action waits for data), and the inspect delay is not over, they wait for more
    // and run again. What they read is taken out of the pipe into the session's buffer, where Lua
    // may change it; the relay or the service sends it on first.
    private async Task InspectAsync(FrontendSettings frontend, PipeReader input, HttpExchange session, TcpRequestRules rules, IActorRef worker)
    {
        if (!frontend.InspectsContent)
        {
            // Connection rules only (or none): nothing reads the client's bytes, which go straight to the relay.
            try
            {
                await RunRulesAsync(frontend, session, rules, worker);
            }
            finally
            {
                session.EndLua();
            }
            return;
        }
        var http = node.Config.Global.Http;
        var buffer = new TcpRequestBuffer(http.BufSize, Math.Max(1, http.BufSize - http.MaxRewrite));
        session.RequestBuffer = buffer;
        using var inspection = frontend.InspectDelay is { } delay ? new CancellationTokenSource(delay) : null;
        if (input.TryRead(out var ready))
        {
            Take(input, ready, buffer);
        }
        try
        {
            await InspectUntilDoneAsync(frontend, input, session, rules, worker, buffer, inspection);
        }
        finally
        {
            // The rules' Lua is over (a Lua action that waited for data kept its generation until
            // now); a service they start holds its own lease.
            session.EndLua();
        }
    }

    private async Task InspectUntilDoneAsync(FrontendSettings frontend, PipeReader input, HttpExchange session, TcpRequestRules rules, IActorRef worker,
        TcpRequestBuffer buffer, CancellationTokenSource? inspection)
    {
        while (true)
        {
            buffer.Final = inspection is null || inspection.IsCancellationRequested || buffer.Closed || buffer.Full;
            await RunRulesAsync(frontend, session, rules, worker);
            if (!rules.WaitsForData || (buffer.Final && rules.Waiting is null))
            {
                return;
            }
            rules.GoOnWithData();
            if (buffer.Final)
            {
                // A Lua action waited as the inspection ended: it goes on with what is there.
                continue;
            }
            try
            {
                Take(input, await input.ReadAsync(inspection!.Token), buffer);
            }
            catch (OperationCanceledException) when (inspection!.IsCancellationRequested)
            {
                // The delay is over: the rules run once more, on what came, for good.
            }
        }
    }

    // Moves what the client sent into the buffer, up to its limit; what does not fit stays in the
    // pipe, unexamined, for whoever reads next.
    private static void Take(PipeReader input, ReadResult read, TcpRequestBuffer buffer)
    {
        var received = read.Buffer;
        int room = Math.Max(0, buffer.Limit - buffer.Output.Length - buffer.Data.Length);
        var taken = received.Length > room ? received.Slice(0, room) : received;
        buffer.Data = [.. buffer.Data, .. System.Buffers.BuffersExtensions.ToArray(taken)];
        buffer.Closed = read.IsCompleted && taken.Length == received.Length;
        if (taken.Length == received.Length)
        {
            input.AdvanceTo(taken.End);
        }
        else
        {
            input.AdvanceTo(taken.End, taken.End);
        }
    }

    private async Task RunRulesAsync(FrontendSettings frontend, HttpExchange session, TcpRequestRules rules, IActorRef worker)
    {
        if (frontend.TcpRequestUsesLua)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            worker.Tell(new RunTcpRequest(rules, done));
            await done.Task;
        }
        else if (!rules.Continue(NoLuaActions.Instance))
        {
            throw new InvalidOperationException($"The tcp-request rules of frontend '{frontend.Name}' waited, but they call no Lua.");
        }
    }

    private async Task ServeAsync(string service, IActorRef worker, HttpExchange session, ConnectionContext connection, AccessLog.TcpAccessLog? log)
    {
        long id = Interlocked.Increment(ref s_nextSession);
        var actor = node.LuaRunnerOf(LuaFunctionKind.Service, service, worker);
        var output = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
        // The service's bytes come back as messages (its state may be the singleton on another
        // node); the relay, local, puts them in order into the channel.
        var relay = node.System.ActorOf(TcpSessionRelay.Props(output.Writer));
        actor.Tell(new StartTcpService(service, id, HttpExchangeSnapshot.Of(session)), relay);
        // Not linked to ConnectionClosed: Kestrel fires it when the client half-closes (its FIN),
        // and HAProxy still sends such a client what the service answers. A client that is gone
        // fails the next write instead.
        using var stop = new CancellationTokenSource();
        var reading = ForwardInputAsync(connection.Transport.Input, session.RequestBuffer?.Pending() ?? [], actor, relay, id, log, stop.Token);
        try
        {
            await foreach (var chunk in output.Reader.ReadAllAsync(stop.Token))
            {
                log?.ToClient(chunk.Length);
                var flushed = await connection.Transport.Output.WriteAsync(chunk, stop.Token);
                if (flushed.IsCompleted)
                {
                    // The client is gone: the service is stopped (TcpServiceClosed below).
                    break;
                }
            }
        }
        catch (LuaScriptException)
        {
            // The service failed; the actor logged why. The stream closes, as HAProxy does.
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            actor.Tell(new TcpServiceClosed(id), relay);
            await stop.CancelAsync();
            await reading;
            node.System.Stop(relay);
        }
    }

    // The rules' buffer first, then what the client sends.
    private static async Task ForwardInputAsync(PipeReader input, byte[] inspected, IActorRef actor, IActorRef relay, long id, AccessLog.TcpAccessLog? log, CancellationToken stop)
    {
        if (inspected.Length > 0)
        {
            log?.FromClient(inspected.Length);
            actor.Tell(new TcpServiceInput(id, inspected, false), relay);
        }
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(stop);
                if (!read.Buffer.IsEmpty)
                {
                    log?.FromClient((int)read.Buffer.Length);
                    actor.Tell(new TcpServiceInput(id, System.Buffers.BuffersExtensions.ToArray(read.Buffer), false), relay);
                }
                input.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    actor.Tell(new TcpServiceInput(id, [], true), relay);
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionResetException or IOException)
        {
            actor.Tell(new TcpServiceInput(id, [], true), relay);
        }
    }

    // The rules' buffer (what they read, as Lua left it) goes to the server before the rest.
    private async Task RelayAsync(BackendSettings backend, int thread, ConnectionContext connection, byte[] inspected, AccessLog.TcpAccessLog? log)
    {
        log?.Connecting(backend.Name);
        // Kestrel fires ConnectionClosed at the client's FIN. A client that sent something and
        // half-closed still gets its answer, as from HAProxy; one that sent nothing and closed (a
        // port probe) has left, and its attempt is dropped, leaving the server in rotation.
        ServerConnection? reached;
        using (var left = new CancellationTokenSource())
        {
            // The transport's own signal, which fires at the FIN too (the connection's waits for a reset).
            var transportClosed = connection.Features.Get<IConnectionLifetimeFeature>()?.ConnectionClosed ?? connection.ConnectionClosed;
            using (transportClosed.Register(() => DropIfNothingSent(connection.Transport.Input, inspected.Length > 0, left)))
            {
                reached = await ConnectAsync(backend, thread, log, left.Token);
            }
        }
        await using var server = reached;
        if (server is null)
        {
            log?.NotConnected();
            return;
        }
        var stream = server.Stream;
        // Ended with its server's sessions (shut_sess): both sides are shut, and the relay ends
        // as if the server had closed, with a FIN to the client, as HAProxy's.
        using var session = Servers!.Sessions.Enter(backend.Name, server.Server, () =>
        {
            log?.Killed();
            ShutBoth(server.Socket);
        });
        // The buffer first: with none, nothing has been relayed when the connection closes.
        var buffer = _buffers.Rent();
        if (buffer is null)
        {
            logger.LogError("backend {Backend}: no relay buffer available (pool tcp_relay_buffer); closing the connection", backend.Name);
            return;
        }
        // timeout tunnel, when the backend sets it, is the inactivity allowed on both sides from
        // now on; else the client keeps timeout client and the server gets timeout server. The
        // server's side also ends when the client's connection breaks (not at its FIN: a
        // half-closed client still reads the server's answer).
        if (backend.TunnelTimeout is { } tunnel)
        {
            Limits.ClientInactivity.Of(connection.Items)?.UseTimeout(tunnel);
        }
        var serverTimeout = backend.TunnelTimeout ?? backend.ServerTimeout;
        using var serverIdle = new CancellationTokenSource();
        serverIdle.CancelAfter(serverTimeout);
        var toServer = CopyToServerAsync(connection.Transport.Input, inspected, log is null ? stream : new AccessLog.CountingStream(stream), server.Socket, stream, serverIdle, log);
        var toClient = CopyToClientAsync(stream, connection, buffer, serverIdle, serverTimeout, log);
        try
        {
            if (await Task.WhenAny(toServer, toClient) == toClient && !toClient.IsCompletedSuccessfully)
            {
                // The server went silent too long or away: the client's side goes too.
                connection.Abort();
            }
            await Task.WhenAll(toServer, toClient);
        }
        catch (Exception e) when (e is IOException or SocketException or ConnectionResetException or OperationCanceledException)
        {
            // One side went away abruptly; closing both is all there is to do.
        }
        finally
        {
            _buffers.Return(buffer);
        }
    }

    private static void ShutBoth(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed already.
        }
    }

    // Through a counting stream when the connection is logged (written is then the server's own stream).
    private static async Task CopyToServerAsync(PipeReader client, byte[] inspected, Stream written, Socket socket, Stream server, CancellationTokenSource serverIdle,
        AccessLog.TcpAccessLog? log)
    {
        try
        {
            if (inspected.Length > 0)
            {
                await written.WriteAsync(inspected);
            }
            await client.CopyToAsync(written);
        }
        catch
        {
            // The client's connection broke: its server's side ends too.
            await serverIdle.CancelAsync();
            throw;
        }
        finally
        {
            if (written is AccessLog.CountingStream counted)
            {
                log?.FromClient((int)counted.Count);
            }
        }
        // The client's end passed on: over TLS its close_notify first.
        if (server is SslStream tls)
        {
            await tls.ShutdownAsync();
        }
        socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task CopyToClientAsync(Stream server, ConnectionContext connection, byte[] buffer, CancellationTokenSource idle, TimeSpan timeout,
        AccessLog.TcpAccessLog? log)
    {
        var client = connection.Transport.Output;
        int read;
        while ((read = await server.ReadAsync(buffer, idle.Token)) > 0)
        {
            idle.CancelAfter(timeout);
            log?.ToClient(read);
            await client.WriteAsync(buffer.AsMemory(0, read));
        }
        await client.CompleteAsync();
        // The server's end passed on: over TLS, completing the pipe sends nothing, so its
        // close_notify and the socket's FIN are sent here (in clear text the transport sends the FIN).
        if (connection.Features.Get<ISslStreamFeature>() is { } tls)
        {
            await tls.SslStream.ShutdownAsync();
            connection.Features.Get<IConnectionSocketFeature>()?.Socket.Shutdown(SocketShutdown.Send);
        }
    }

    // The backend's servers as YARP would pick them for HTTP (balance, health, admin state); one
    // that refuses or times out is marked down and the next is tried. The connection belongs to
    // the client connection's worker, in the fd table too.
    // Runs when the client's side closed while its server is being reached: no one reads its
    // bytes yet, so a look at them is safe.
    private static void DropIfNothingSent(PipeReader input, bool inspected, CancellationTokenSource left)
    {
        if (inspected)
        {
            return;
        }
        if (!input.TryRead(out var read))
        {
            left.Cancel();
            return;
        }
        bool sent = !read.Buffer.IsEmpty;
        input.AdvanceTo(read.Buffer.Start);
        if (!sent)
        {
            left.Cancel();
        }
    }

    private async Task<ServerConnection?> ConnectAsync(BackendSettings backend, int thread, AccessLog.TcpAccessLog? log, CancellationToken left)
    {
        var servers = Servers ?? throw new InvalidOperationException("The TCP frontends have no server choice yet.");
        var tried = new List<Yarp.ReverseProxy.Model.DestinationState>();
        while (true)
        {
            var choice = await servers.PickAsync(backend.Name, tried, left);
            log?.LeftQueue(choice.QueuePosition);
            if (choice.Server is not { } destination)
            {
                if (choice.TimedOut && !left.IsCancellationRequested)
                {
                    log?.QueueTimedOut();
                    logger.LogWarning("backend {Backend}: no server had a free slot within timeout queue", backend.Name);
                }
                else if (!left.IsCancellationRequested)
                {
                    logger.LogWarning("backend {Backend}: no server available", backend.Name);
                }
                return null;
            }
            tried.Add(destination);
            // The server's slot is the connection's until it ends, or until it is not reached.
            ServerConnection? reached = null;
            bool clientLeft = false;
            try
            {
                (reached, clientLeft) = await TryServerAsync(backend, backend.Servers.Single(s => s.Name == destination.DestinationId),
                    choice, thread, log, () => servers.Release(backend.Name, choice), left);
            }
            finally
            {
                if (reached is null)
                {
                    servers.Release(backend.Name, choice);
                }
            }
            if (reached is not null || clientLeft)
            {
                return reached;
            }
        }
    }

    // One server tried: its connection, or none (it refused: it is marked down), or none because
    // the client left meanwhile.
    private async Task<(ServerConnection? Reached, bool ClientLeft)> TryServerAsync(BackendSettings backend, ServerSettings server,
        TcpServerChoice.Choice choice, int thread, AccessLog.TcpAccessLog? log, Action release, CancellationToken left)
    {
        var servers = Servers!;
        // The server tried is the line's, reached or not (HAProxy's "d/s1 … SC").
        log?.Entry.Server = server.Name;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(left);
        timeout.CancelAfter(backend.ConnectTimeout);
        try
        {
            var stream = await connections.ConnectAsync(backend.Name, server.Host, server.Port,
                node.Layout.GroupOf(thread), node.Layout.LocalBitOf(thread), timeout.Token);
            if (server.Ssl is not { } ssl)
            {
                log?.Connected(server.Name, stream.Socket.RemoteEndPoint as IPEndPoint);
                return (new ServerConnection(stream, stream.Socket, server.Name, release), false);
            }
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(ssl.ClientOptions(http2: false), timeout.Token);
            }
            catch
            {
                await tls.DisposeAsync();
                throw;
            }
            log?.Connected(server.Name, stream.Socket.RemoteEndPoint as IPEndPoint);
            return (new ServerConnection(tls, stream.Socket, server.Name, release), false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException && !left.IsCancellationRequested)
        {
            servers.Refused(choice.Cluster, choice.Server!);
            logger.LogWarning("backend {Backend}: server {Server} ({Host}:{Port}) refused: TLS handshake failed: {Reason}",
                backend.Name, server.Name, server.Host, server.Port, e.Message);
        }
        catch (OperationCanceledException) when (left.IsCancellationRequested)
        {
            // The client left while its server was being reached: nothing is wrong with the server.
            return (null, true);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            servers.Refused(choice.Cluster, choice.Server!);
            logger.LogWarning("backend {Backend}: server {Server} ({Host}:{Port}) unreachable: {Reason}",
                backend.Name, server.Name, server.Host, server.Port, e is OperationCanceledException ? $"no connection within timeout connect ({backend.ConnectTimeout.TotalMilliseconds:0} ms)" : e.Message);
        }
        return (null, false);
    }

    // A relay's connection to its server: the stream it speaks (TLS over the socket for a
    // server with ssl) and the socket, whose send side closes when the client's does.
    // Disposing it gives the server's slot back.
    private sealed record ServerConnection(Stream Stream, Socket Socket, string Server, Action Release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await Stream.DisposeAsync();
            }
            finally
            {
                Release();
            }
        }
    }
}
