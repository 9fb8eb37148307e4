using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 1: a server's sessions ended together, by Lua's <c>Server.shut_sess</c>
/// and by the stats socket's <c>shutdown sessions server B/S</c>, alike on HAProxy 2.6 and
/// ActorProxy: a relayed TCP connection to it is closed (a FIN to the client), an HTTP answer
/// under way from it is cut, and the next connections are served as before.</summary>
public sealed class ShutSessParityTests : IAsyncLifetime
{
    private const string Script = """
        core.register_service("kill", "http", function(applet)
          local backend = applet.qs
          local sv = core.backends[backend].servers[backend == "db" and "d1" or "s1"]
          local body = "killed " .. select("#", sv:shut_sess()) .. "\n"
          applet:set_status(200)
          applet:add_header("content-length", tostring(#body))
          applet:start_response()
          applet:send(body)
        end)
        """;

    private readonly RuntimeCommandPair _pair = new();
    private readonly int _haproxyRaw = TestBackend.FreePort();
    private readonly int _actorProxyRaw = TestBackend.FreePort();
    private readonly int _haproxyWeb = TestBackend.FreePort();
    private readonly int _actorProxyWeb = TestBackend.FreePort();
    private readonly UdpClient _haproxyLog = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly UdpClient _actorProxyLog = new(new IPEndPoint(IPAddress.Loopback, 0));
    private TcpTestServer _echo = null!;
    private TcpTestServer _slow = null!;

    public async Task InitializeAsync()
    {
        _echo = TcpTestServer.Echo();
        // An answer that starts and then waits for the rest of its 100 bytes, which never come.
        _slow = new TcpTestServer(async (stream, cancel) =>
        {
            await TcpTestServer.ReadHeadAsync(stream, cancel);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst"u8.ToArray(), cancel);
            await Task.Delay(Timeout.Infinite, cancel);
        });
        int haproxyLog = ((IPEndPoint)_haproxyLog.Client.LocalEndPoint!).Port, actorProxyLog = ((IPEndPoint)_actorProxyLog.Client.LocalEndPoint!).Port;
        string script = Path.Combine(_pair.Directory.FullName, "kill.lua");
        File.WriteAllText(script, Script);
        await _pair.StartAsync($"""
            global
              {_pair.HaproxyStatsSocket}
              lua-load {script}
            defaults
              timeout connect 2s
              timeout client 20s
              timeout server 20s
            frontend ctl
              mode http
              bind 127.0.0.1:{_pair.HaproxyPort}
              http-request use-service lua.kill
            frontend raw
              mode tcp
              bind 127.0.0.1:{_haproxyRaw}
              log 127.0.0.1:{haproxyLog} format raw local0
              option tcplog
              default_backend db
            frontend web
              mode http
              bind 127.0.0.1:{_haproxyWeb}
              log 127.0.0.1:{haproxyLog} format raw local0
              option httplog
              default_backend app
            backend db
              mode tcp
              server d1 127.0.0.1:{_echo.Port}
            backend app
              mode http
              server s1 127.0.0.1:{_slow.Port}

            """, $$"""
              frontends.ctl { bind = "127.0.0.1:{{_pair.ActorProxyPort}}", http-request = [ "use-service lua.kill" ] }
              frontends.raw { mode = tcp, bind = "127.0.0.1:{{_actorProxyRaw}}", default-backend = db, timeout.client = 20s,
                log = [ "127.0.0.1:{{actorProxyLog}} format raw local0" ], option = [ tcplog ] }
              frontends.web { bind = "127.0.0.1:{{_actorProxyWeb}}", default-backend = app, timeout.client = 20s,
                log = [ "127.0.0.1:{{actorProxyLog}} format raw local0" ], option = [ httplog ] }
              backends.db { mode = tcp, servers { d1 = "127.0.0.1:{{_echo.Port}}" }, timeout.server = 20s }
              backends.app { servers { s1 = "127.0.0.1:{{_slow.Port}}" }, timeout.server = 20s }
            """, $", lua-load = [ \"{script}\" ]", _haproxyRaw, _haproxyWeb);
    }

    [Fact]
    public async Task ARelayedConnection_IsClosed_ByLuaAndByTheStatsSocket()
    {
        foreach (bool haproxy in new[] { true, false })
        {
            using (var relayed = await EchoingAsync(haproxy))
            {
                Assert.Equal("200 killed 0\n", await _pair.GetAsync("/?db", haproxy));
                Assert.Equal("closed", await EndAsync(relayed));
            }
            // HAProxy's termination state of a killed TCP session.
            Assert.Contains(" K- ", await NextLineAsync(haproxy));
            using (var relayed = await EchoingAsync(haproxy))
            {
                // No answer: only the empty line that ends every answer.
                Assert.Equal("\n", await _pair.AskAsync("shutdown sessions server db/d1", haproxy));
                Assert.Equal("closed", await EndAsync(relayed));
            }
            using var next = await EchoingAsync(haproxy);
        }
        foreach (string command in new[] { "shutdown sessions server db/zz", "shutdown sessions server db", "shutdown sessions server", "shutdown sessions server nope/d1" })
        {
            Assert.Equal(await _pair.AskAsync(command, haproxy: true), await _pair.AskAsync(command, haproxy: false));
        }
    }

    [Fact]
    public async Task AnHttpAnswerUnderWay_IsCut()
    {
        foreach (bool haproxy in new[] { true, false })
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, haproxy ? _haproxyWeb : _actorProxyWeb);
            var stream = client.GetStream();
            await stream.WriteAsync("GET / HTTP/1.1\r\nHost: h\r\n\r\n"u8.ToArray());
            var received = new StringBuilder();
            var buffer = new byte[4096];
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (!received.ToString().EndsWith("first", StringComparison.Ordinal))
            {
                int read = await stream.ReadAsync(buffer, limit.Token);
                Assert.True(read > 0, $"closed early: {received}");
                received.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
            Assert.Equal("200 killed 0\n", await _pair.GetAsync("/?app", haproxy));
            Assert.Equal("closed", await EndAsync(client));
            Assert.Contains(" KD-- ", await NextLineAsync(haproxy));
        }
    }

    private async Task<string> NextLineAsync(bool haproxy)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var datagram = await (haproxy ? _haproxyLog : _actorProxyLog).ReceiveAsync(limit.Token);
        return Encoding.UTF8.GetString(datagram.Buffer);
    }

    // A connection through the TCP frontend that has had its first line echoed.
    private async Task<TcpClient> EchoingAsync(bool haproxy)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, haproxy ? _haproxyRaw : _actorProxyRaw);
        await client.GetStream().WriteAsync("hello\n"u8.ToArray());
        var buffer = new byte[16];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(6, await client.GetStream().ReadAtLeastAsync(buffer, 6, cancellationToken: limit.Token));
        return client;
    }

    // How the connection ends within a bounded wait: "closed" at its end (a FIN or a reset),
    // else what still came.
    private static async Task<string> EndAsync(TcpClient client)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        try
        {
            int read = await client.GetStream().ReadAsync(buffer, limit.Token);
            return read == 0 ? "closed" : Encoding.Latin1.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return "closed";
        }
    }

    public async Task DisposeAsync()
    {
        await _pair.DisposeAsync();
        _echo.Dispose();
        _slow.Dispose();
        _haproxyLog.Dispose();
        _actorProxyLog.Dispose();
    }
}
