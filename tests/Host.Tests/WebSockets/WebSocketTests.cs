using System.Net.WebSockets;
using System.Text;
using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.WebSockets;

/// <summary>Issue #13, point 2: a WebSocket upgrade passes through in both directions, and the
/// tunnel it becomes is closed by the backend's <c>timeout tunnel</c> (client and server timeouts
/// set far beyond the test's bound, so only the tunnel's can close it), each compared with HAProxy
/// 2.6 on the same lines. The tunnel's timeout is 2 s: ActorProxy bounds the upgrade's own
/// exchange by it too (docs/haproxy-compat.md), and a loaded machine took more than 500 ms once.</summary>
public sealed class WebSocketTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-ws");
    private readonly (int Haproxy, int ActorProxy) _port = (TestBackend.FreePort(), TestBackend.FreePort());
    private readonly (int Haproxy, int ActorProxy) _h2 = (TestBackend.FreePort(), TestBackend.FreePort());
    private WebSocketOrigin _origin = null!;
    private Parity.HaproxyProcess _haproxy = null!;
    private ActorProxyProcess _actorProxy = null!;

    public async Task InitializeAsync()
    {
        _origin = await WebSocketOrigin.StartAsync();
        string dir = _directory.FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "haproxy.cfg"), $$"""
            defaults
              mode http
              timeout client 1h
              timeout server 1h
              timeout connect 5s
            frontend ws
              bind 127.0.0.1:{{_port.Haproxy}}
              default_backend ws
            frontend ws_h2
              bind 127.0.0.1:{{_h2.Haproxy}} proto h2
              default_backend ws
            backend ws
              timeout tunnel 2s
              server o 127.0.0.1:{{_origin.Port}}

            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "actorproxy.conf"), $$"""
            akka.remote.dot-netty.tcp.port = {{TestBackend.FreePort()}}
            actorproxy {
              frontends.ws { bind = "127.0.0.1:{{_port.ActorProxy}}", timeout.client = 1h, default-backend = ws }
              frontends.ws_h2 { bind = "127.0.0.1:{{_h2.ActorProxy}} proto h2", timeout.client = 1h, default-backend = ws }
              backends.ws { timeout { server = 1h, tunnel = 2s }, servers { o = "127.0.0.1:{{_origin.Port}}" } }
            }
            """);
        _actorProxy = ActorProxyProcess.Start("run", "-f", Path.Combine(dir, "actorproxy.conf"));
        await _actorProxy.WaitForOutputAsync("ActorProxy running");
        _haproxy = await Parity.HaproxyProcess.StartAsync(Path.Combine(dir, "haproxy.cfg"), _port.Haproxy, _h2.Haproxy);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Messages_PassBothWays_ThenTheClientCloses_AsHaproxy(bool http2)
    {
        string haproxy = await ConverseAsync(http2 ? _h2.Haproxy : _port.Haproxy, http2);
        string actorProxy = await ConverseAsync(http2 ? _h2.ActorProxy : _port.ActorProxy, http2);

        Assert.Equal("hello from the server | echo: one | echo: two | closed NormalClosure bye", haproxy);
        Assert.Equal(haproxy, actorProxy);
    }

    [Fact]
    public async Task IdleTunnel_IsClosedAtTimeoutTunnel_AsHaproxy()
    {
        string haproxy = await IdleAsync(_port.Haproxy);
        string actorProxy = await IdleAsync(_port.ActorProxy);

        Assert.Equal("hello from the server | cut: ConnectionClosedPrematurely", haproxy);
        Assert.Equal(haproxy, actorProxy);
    }

    // With http2, a WebSocket over HTTP/2 with prior knowledge (RFC 8441's extended CONNECT).
    private static async Task<string> ConverseAsync(int port, bool http2)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        if (http2)
        {
            socket.Options.HttpVersion = System.Net.HttpVersion.Version20;
            socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), invoker, limit.Token);
        var transcript = new List<string> { await ReceiveAsync(socket, limit.Token) };
        foreach (string text in new[] { "one", "two" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, limit.Token);
            transcript.Add(await ReceiveAsync(socket, limit.Token));
        }
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", limit.Token);
        await ReceiveAsync(socket, limit.Token);
        transcript.Add($"closed {socket.CloseStatus} {socket.CloseStatusDescription}");
        return string.Join(" | ", transcript);
    }

    // Connects, takes the server's greeting, then waits (at most 10 s) for the tunnel to be cut.
    private static async Task<string> IdleAsync(int port)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), limit.Token);
        string greeting = await ReceiveAsync(socket, limit.Token);
        try
        {
            await ReceiveAsync(socket, limit.Token);
            return $"{greeting} | not cut: {socket.State}";
        }
        catch (WebSocketException e)
        {
            return $"{greeting} | cut: {e.WebSocketErrorCode}";
        }
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken cancel)
    {
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, cancel);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }

    public async Task DisposeAsync()
    {
        await _haproxy.DisposeAsync();
        await _actorProxy.StopAsync();
        await _origin.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
