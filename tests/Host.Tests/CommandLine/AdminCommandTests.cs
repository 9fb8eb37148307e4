using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.CommandLine;

/// <summary>A running node driven by `actorproxy admin` over akka.remote.</summary>
public sealed class AdminCommandTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-admin");
    private readonly int _httpPort = TestBackend.FreePort();
    private readonly int _relayPort = TestBackend.FreePort();
    private readonly int _remotePort = TestBackend.FreePort();
    private readonly int _otherPort = TestBackend.FreePort();
    private readonly int _balancedPort = TestBackend.FreePort();
    private readonly int _tcpBalancedPort = TestBackend.FreePort();
    private ActorProxyProcess _proxy = null!;

    private string Node => $"127.0.0.1:{_remotePort}";

    [Fact]
    public async Task ShowFd_ListsAnOpenConnection_AndShutdownSessionClosesIt()
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, _httpPort);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        Assert.True(await stream.ReadAsync(new byte[1024]) > 0);
        string peer = client.Client.LocalEndPoint!.ToString()!;

        var (code, fds, _) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "show", "fd");
        string line = fds.Split('\n').Single(l => l.Contains($"peer={peer}", StringComparison.Ordinal));
        string fd = line.Split(':')[0].Trim();
        var (shutdownCode, shutdown, _) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "shutdown", "session", fd);

        Assert.Equal(0, code);
        Assert.Contains("owner=frontend web", line);
        Assert.Equal(0, shutdownCode);
        Assert.Contains($"Session on fd {fd} shut down.", shutdown);
        Assert.True(await IsClosedAsync(stream), "the connection is still open");
    }

    // Closed by the proxy: an end of stream, or a reset since the proxy aborts the connection.
    private static async Task<bool> IsClosedAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await stream.ReadAsync(new byte[16], timeout.Token) == 0;
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return true;
        }
    }

    [Fact]
    public async Task ShowInfoLuaTasksAndPools_Answer()
    {
        using var relay = new TcpClient(AddressFamily.InterNetwork);
        await relay.ConnectAsync(IPAddress.Loopback, _relayPort);
        await relay.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        await relay.GetStream().CopyToAsync(Stream.Null);

        var (infoCode, info, _) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "show", "info");
        var (luaCode, lua, _) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "show", "lua");
        var (poolsCode, pools, _) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "show", "pools");
        var (statCode, stat, _) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "show", "stat");

        Assert.Equal((0, 0, 0, 0), (infoCode, luaCode, poolsCode, statCode));
        // HAProxy's CSV across the remoting boundary, a line per frontend.
        Assert.StartsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,", stat, StringComparison.Ordinal);
        Assert.Contains("\nrelay,FRONTEND,", stat, StringComparison.Ordinal);
        Assert.Contains("Nbthread: 2", info);
        Assert.Matches(@"state 1: memory=\d+ functions=2 calls=\d+ errors=0", lua);
        Assert.Contains("  - Pool tcp_relay_buffer (16384 bytes) : 1 allocated (16384 bytes), 0 used, 0 failures, 1 users", pools);
        Assert.Matches(@"  - Pool http_txn \(512 bytes\) : [1-9]\d* allocated \(\d+ bytes\), 0 used, 0 failures, 1 users", pools);
        Assert.Matches(@"  - Pool lua_ctx\.1 \(1024 bytes\) : \d+ allocated", pools);
    }

    [Fact]
    public async Task SetServerMaint_TakesItOutOfRotation_AndShowServersStateSaysSo()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_balancedPort}") };

        var (setCode, _, setError) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "set", "server", "pool/a", "state", "maint");
        var answers = new HashSet<string>();
        for (int i = 0; i < 6; i++)
        {
            answers.Add(await client.GetStringAsync("/"));
        }
        var (_, state, _) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "show", "servers", "state");
        var (badCode, _, bad) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "set", "server", "pool/zz", "state", "maint");
        await ActorProxyProcess.RunAsync("admin", "--node", Node, "set", "server", "pool/a", "state", "ready");

        Assert.True(setCode == 0, setError);
        Assert.Equal(["other"], answers);
        Assert.Contains($"pool a http://127.0.0.1:{_httpPort} maint", state);
        Assert.Contains($"pool b http://127.0.0.1:{_otherPort} ready", state);
        Assert.Equal(1, badCode);
        Assert.Contains("backend 'pool' has no server 'zz'", bad);
    }

    [Fact]
    public async Task SetServerMaint_TakesATcpServerOutOfRotationToo()
    {
        var (setCode, _, setError) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "set", "server", "tcppool/a", "state", "maint");
        var answers = new HashSet<string>();
        for (int i = 0; i < 4; i++)
        {
            answers.Add(await RelayedBodyAsync(_tcpBalancedPort));
        }
        await ActorProxyProcess.RunAsync("admin", "--node", Node, "set", "server", "tcppool/a", "state", "ready");
        var after = new HashSet<string>();
        for (int i = 0; i < 4; i++)
        {
            after.Add(await RelayedBodyAsync(_tcpBalancedPort));
        }

        Assert.True(setCode == 0, setError);
        Assert.Equal(["other"], answers);
        Assert.Equal(["ok", "other"], after.Order());
    }

    // One HTTP request relayed by a TCP frontend; the body of the answer.
    private static async Task<string> RelayedBodyAsync(int port)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string answer = await reader.ReadToEndAsync(timeout.Token);
        return answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    [Fact]
    public async Task BackendConnections_AreInTheFdTableToo()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_balancedPort}") };
        await http.GetStringAsync("/");
        using var relay = new TcpClient(AddressFamily.InterNetwork);
        await relay.ConnectAsync(IPAddress.Loopback, _relayPort);
        var stream = relay.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        Assert.True(await stream.ReadAsync(new byte[1024]) > 0);

        var (code, fds, _) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "show", "fd");

        Assert.Equal(0, code);
        Assert.Contains("owner=backend pool peer=127.0.0.1:", fds);
        Assert.Contains($"owner=backend web peer=127.0.0.1:{_httpPort}", fds);
    }

    [Fact]
    public async Task LuaCliCommand_RunsWithItsArguments()
    {
        var (code, greeting, _) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "greet", "bob");

        Assert.Equal(0, code);
        Assert.Equal("hello bob from worker 1\n", greeting);
    }

    [Fact]
    public async Task UnknownCommandAndUnreachableNode_AreOneClearLineAndAFailure()
    {
        var (unknownCode, _, unknown) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "show", "everything");
        var (badNodeCode, _, badNode) = await ActorProxyProcess.RunAsync("admin", "--node", "nowhere", "show", "info");
        var (downCode, _, down) = await ActorProxyProcess.RunAsync("admin", "--node", $"127.0.0.1:{TestBackend.FreePort()}", "show", "info");

        Assert.Equal(1, unknownCode);
        Assert.StartsWith("actorproxy admin: unknown command 'show everything'", unknown);
        Assert.Equal(2, badNodeCode);
        Assert.Contains("--node expects address:port", badNode);
        Assert.Equal(1, downCode);
        Assert.Contains("did not answer within 5 s", down);
        Assert.Single(down.Trim().Split('\n'));
    }

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "worker.lua"), """
            core.register_action('tag', { 'http-req' }, function(txn) end)
            core.register_cli({ "greet" }, "greet someone", function(applet, name)
              applet:send("hello " .. (name or "world") .. " from worker " .. core.thread .. "\n")
            end)
            """);
        string config = Path.Combine(_directory.FullName, "admin.conf");
        await File.WriteAllTextAsync(config, $$"""
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{_remotePort}} }
            actorproxy {
              global { threads = 2, lua-load-per-thread = [ "worker.lua" ] }
              frontends.web {
                bind = "127.0.0.1:{{_httpPort}}"
                http-request = [ "lua.tag", "return status 200 content-type text/plain string ok" ]
              }
              frontends.relay { bind = "127.0.0.1:{{_relayPort}}", mode = tcp, default-backend = web }
              frontends.other { bind = "127.0.0.1:{{_otherPort}}", http-request = [ "return status 200 content-type text/plain string other" ] }
              frontends.balanced { bind = "127.0.0.1:{{_balancedPort}}", default-backend = pool }
              backends.pool { servers { a = "127.0.0.1:{{_httpPort}}", b = "127.0.0.1:{{_otherPort}}" } }
              backends.web { mode = tcp, servers { w = "127.0.0.1:{{_httpPort}}" } }
              frontends.tcpbalanced { bind = "127.0.0.1:{{_tcpBalancedPort}}", mode = tcp, default-backend = tcppool }
              backends.tcppool { mode = tcp, servers { a = "127.0.0.1:{{_httpPort}}", b = "127.0.0.1:{{_otherPort}}" } }
            }
            """);
        _proxy = ActorProxyProcess.Start("run", "-f", config);
        await _proxy.WaitForOutputAsync("ActorProxy running");
    }

    public async Task DisposeAsync()
    {
        await _proxy.StopAsync();
        _directory.Delete(recursive: true);
    }
}
