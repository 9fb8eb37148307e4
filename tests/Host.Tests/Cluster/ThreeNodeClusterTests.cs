using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.Cluster;

/// <summary>Three real actorproxy processes on 127.0.0.1 forming one cluster: the first is the
/// seed, the other two join it; every node boots and serves, and the shared Lua state is one for
/// all of them. Their credentials come from scripts/cluster-certs.sh, as a cluster's do.</summary>
public sealed class ThreeNodeClusterTests : IAsyncLifetime
{
    private const int Nodes = 3;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-cluster");
    private readonly int[] _remotePorts = [.. Enumerable.Range(0, Nodes).Select(_ => TestBackend.FreePort())];
    private readonly int[] _httpPorts = [.. Enumerable.Range(0, Nodes).Select(_ => TestBackend.FreePort())];
    private readonly int[] _tcpPorts = [.. Enumerable.Range(0, Nodes).Select(_ => TestBackend.FreePort())];
    private readonly List<ActorProxyProcess> _processes = [];
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(20) };

    [Fact]
    public async Task EveryNode_Serves_ItsOwnWorkersAndTheOneSharedState()
    {
        for (int node = 0; node < Nodes; node++)
        {
            string answer = await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[node]}/whoami");

            Assert.Equal($"node {node + 1} worker 1\n", answer);
        }
        var (code, all, error) = await ActorProxyProcess.RunAsync("admin", "--node", $"127.0.0.1:{_remotePorts[1]}", "--credentials", Credentials("ops"), "--all", "show", "info");
        Assert.True(code == 0, error);
        foreach (int port in _remotePorts)
        {
            Assert.Contains($"== akka.ssl.tcp://actorproxy@127.0.0.1:{port}\nName: ActorProxy\n", all);
        }
    }

    [Fact]
    public async Task EveryNodesMetrics_CountTheThreeMembers_AndTheOneSharedState()
    {
        await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[1]}/count");
        await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[1]}/count");

        for (int node = 0; node < Nodes; node++)
        {
            // Members are Up once the cluster's gossip says so: scraped again until it does, for a bounded time.
            Metrics.PrometheusText scraped = null!;
            for (int attempt = 0; attempt < 50; attempt++)
            {
                scraped = Metrics.PrometheusText.Parse(await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[node]}/metrics"));
                if (scraped.Samples.GetValueOrDefault("actorproxy_cluster_members{status=\"up\"}") == Nodes)
                {
                    break;
                }
                await Task.Delay(200);
            }
            Assert.Equal(Nodes, scraped.Samples["actorproxy_cluster_members{status=\"up\"}"]);
            // The shared state is one for the cluster: each node reports its calls, made from node 2.
            Assert.True(scraped.Samples["actorproxy_lua_calls_total{state=\"0\"}"] >= 2, $"node {node + 1}");
            Assert.True(scraped.Samples.ContainsKey("actorproxy_lua_memory_bytes{state=\"1\"}"), $"node {node + 1}");
        }
    }

    [Fact]
    public async Task RequestsSpreadOverTheNodes_ReadAsOneTotalRate_OnEveryNode()
    {
        const int Requests = 30;
        await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[i % Nodes]}/hit")));

        // Each node reads the cluster's count and rate of the client's address from its own table.
        for (int node = 0; node < Nodes; node++)
        {
            string url = $"http://127.0.0.1:{_httpPorts[node]}/rate";
            await Eventually.HoldsAsync(async () => await _client.GetStringAsync(url) == $"{Requests} {Requests}",
                $"node {node + 1} reads {Requests} requests at {Requests} per minute", TimeSpan.FromSeconds(20));
        }
        var (code, table, error) = await ActorProxyProcess.RunAsync("admin", "--node", $"127.0.0.1:{_remotePorts[2]}", "--credentials", Credentials("boss"), "show", "table", "web");
        Assert.True(code == 0, error);
        Assert.Matches($@"^# table: web, type: ip, size:1024, used:1\n0x[0-9a-f]+: key=127\.0\.0\.1 use=0 exp=\d+ http_req_cnt={Requests} http_req_rate\(60000\)={Requests}\n$", table);
    }

    [Fact]
    public async Task AMapChangedOnOneNode_IsTheMapOfEveryNode()
    {
        Assert.Equal("web", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[2]}/map"));

        var (code, answer, error) = await ActorProxyProcess.RunAsync("admin", "--node", $"127.0.0.1:{_remotePorts[1]}", "--credentials", Credentials("boss"), "set", "map", "hosts.map", "a.test", "changed");

        Assert.True(code == 0, error + answer);
        for (int node = 0; node < Nodes; node++)
        {
            string url = $"http://127.0.0.1:{_httpPorts[node]}/map";
            await Eventually.HoldsAsync(async () => await _client.GetStringAsync(url) == "changed", $"node {node + 1}'s map says a.test is 'changed'", TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task SharedCounterService_IsExact_AfterConcurrentRequestsOnEveryNode()
    {
        const int PerNode = 15;
        var requests = Enumerable.Range(0, Nodes * PerNode)
            .Select(i => _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[i % Nodes]}/count"));
        string[] answers = await Task.WhenAll(requests);

        // Each request got its own number: the increments were serialised by the one shared state.
        Assert.Equal(Enumerable.Range(1, Nodes * PerNode), answers.Select(a => int.Parse(a["count ".Length..], System.Globalization.CultureInfo.InvariantCulture)).Order());
        Assert.Equal($"count {Nodes * PerNode + 1}\n", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[2]}/count"));
    }

    [Fact]
    public async Task SharedTcpServiceAndCliCommand_WorkFromANodeThatDoesNotHostTheSharedState()
    {
        using var client = new System.Net.Sockets.TcpClient(System.Net.Sockets.AddressFamily.InterNetwork);
        await client.ConnectAsync(System.Net.IPAddress.Loopback, _tcpPorts[1]);
        var stream = client.GetStream();
        await stream.WriteAsync("hi\n"u8.ToArray());
        client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        using var reader = new StreamReader(stream);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string answer = await reader.ReadToEndAsync(timeout.Token);

        var (code, cli, error) = await ActorProxyProcess.RunAsync("admin", "--node", $"127.0.0.1:{_remotePorts[2]}", "--credentials", Credentials("ops"), "shared", "hello", "bob");

        Assert.Equal("shared state says hi\n", answer);
        Assert.True(code == 0, error);
        Assert.Equal("hello bob from state 0\n", cli);
    }

    [Fact]
    public async Task SharedService_StreamsToAndFromANodeThatDoesNotHostIt()
    {
        using var client = new System.Net.Sockets.TcpClient(System.Net.Sockets.AddressFamily.InterNetwork);
        await client.ConnectAsync(System.Net.IPAddress.Loopback, _httpPorts[2]);
        var stream = client.GetStream();
        await stream.WriteAsync("POST /first-line HTTP/1.1\r\nHost: x\r\nContent-Length: 100006\r\n\r\nhello\n"u8.ToArray());

        // The singleton, on node 1, answered the first line while node 3's client has not sent the rest.
        string head = await SocketReads.ReadUntilAsync(stream, "first hello\n");
        await stream.WriteAsync(new byte[100000]);
        await SocketReads.ReadUntilAsync(stream, "rest 100000\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReloadOfOneNode_ReloadsItsThreadStates_KeepsTheOneSharedState_AndRefusesChangedSharedFiles()
    {
        Assert.Equal("count 1\n", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[1]}/count"));
        string worker = Path.Combine(_directory.FullName, "worker2.lua");
        File.WriteAllText(worker, File.ReadAllText(worker).Replace("\"node 2 worker \"", "\"node 2 reloaded worker \"", StringComparison.Ordinal));

        var (code, reloaded, error) = await ActorProxyProcess.RunAsync("admin", "--node", $"127.0.0.1:{_remotePorts[1]}", "--credentials", Credentials("boss"), "reload");

        Assert.True(code == 0, error);
        Assert.StartsWith("Lua reloaded: generation 2 serves new work (thread states; the shared state is kept, it serves the whole cluster)", reloaded);
        Assert.Equal("node 2 reloaded worker 1\n", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[1]}/whoami"));
        Assert.Equal("node 1 worker 1\n", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[0]}/whoami"));
        // The shared state, on node 1, kept its count: node 2's new states call the same one.
        Assert.Equal("count 2\n", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[1]}/count"));

        // The shared state's files differ on node 2 now: one node cannot reload the cluster's state.
        File.AppendAllText(Path.Combine(_directory.FullName, "shared.lua"), "\n-- changed\n");
        var (refusedCode, _, refused) = await ActorProxyProcess.RunAsync("admin", "--node", $"127.0.0.1:{_remotePorts[1]}", "--credentials", Credentials("boss"), "reload");

        Assert.NotEqual(0, refusedCode);
        Assert.Contains("Lua reload failed; generation 2 goes on serving", refused);
        Assert.Contains("the shared state serves every node of the cluster, and a reload of one node keeps it", refused);
        Assert.Equal("node 2 reloaded worker 1\n", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[1]}/whoami"));
        Assert.Equal("count 3\n", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[2]}/count"));
    }

    [Fact]
    public async Task SharedState_AfterItsHostIsKilled_IsReloadedOnASurvivor_AndServesAgain()
    {
        Assert.Equal("count 1\n", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[1]}/count"));
        Assert.Equal("inits 1\n", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[1]}/inits"));

        // kill -9 of the seed, which hosts the singleton (the oldest node).
        _processes[0].Dispose();

        // Bounded by the 20 s the failover may take: the first answer from a survivor that is
        // not an error comes from the reloaded state, its init run again, its count new.
        string? answer = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (answer is null && DateTime.UtcNow < deadline)
        {
            using var response = await _client.GetAsync(new Uri($"http://127.0.0.1:{_httpPorts[2]}/inits"));
            if (response.IsSuccessStatusCode)
            {
                answer = await response.Content.ReadAsStringAsync();
            }
        }

        Assert.Equal("inits 1\n", answer);
        Assert.Equal("count 1\n", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[1]}/count"));
    }

    [Fact]
    public async Task SharedState_AfterItsHostStopsGracefully_IsHandedOverToASurvivor()
    {
        Assert.Equal("count 1\n", await _client.GetStringAsync($"http://127.0.0.1:{_httpPorts[2]}/count"));

        // SIGINT: the seed leaves the cluster in order and hands the singleton over.
        await _processes[0].StopAsync();
        var stopped = DateTime.UtcNow;

        // Bounded by the 2 s the hand-over may take once the old host is gone.
        string? answer = null;
        while (answer is null && DateTime.UtcNow < stopped + TimeSpan.FromSeconds(2))
        {
            using var response = await _client.GetAsync(new Uri($"http://127.0.0.1:{_httpPorts[2]}/count"));
            if (response.IsSuccessStatusCode)
            {
                answer = await response.Content.ReadAsStringAsync();
            }
        }

        Assert.Equal("count 1\n", answer);
    }

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "shared.lua"), """
            local count, inits = 0, 0
            core.register_init(function() inits = inits + 1 end)
            local function answer(applet, body)
              applet:set_status(200)
              applet:add_header("content-length", tostring(#body))
              applet:start_response()
              applet:send(body)
            end
            core.register_service("inits", "http", function(applet) answer(applet, "inits " .. inits .. "\n") end)
            core.register_service("tcp_hello", "tcp", function(applet)
              applet:send("shared state says " .. applet:getline())
            end)
            core.register_cli({ "shared", "hello" }, "greets from the shared state", function(applet, name)
              applet:send("hello " .. name .. " from state " .. core.thread .. "\n")
            end)
            core.register_service("first_line", "http", function(applet)
              local line = applet:getline()
              applet:start_response()
              applet:send("first " .. line)
              applet:send("rest " .. #applet:receive() .. "\n")
            end)
            core.register_service("count", "http", function(applet)
              count = count + 1
              local body = "count " .. count .. "\n"
              applet:set_status(200)
              applet:add_header("content-length", tostring(#body))
              applet:start_response()
              applet:send(body)
            end)
            """);
        using (var script = System.Diagnostics.Process.Start("bash", [Path.Combine(AppContext.BaseDirectory, "cluster-certs.sh"),
            Path.Combine(_directory.FullName, "certs"), "node1", "node2", "node3", "ops:user", "boss:admin"]))
        {
            await script.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            Assert.Equal(0, script.ExitCode);
        }
        File.WriteAllText(Path.Combine(_directory.FullName, "hosts.map"), "a.test web\n");
        string seed = $"akka.ssl.tcp://actorproxy@127.0.0.1:{_remotePorts[0]}";
        for (int node = 0; node < Nodes; node++)
        {
            File.WriteAllText(Path.Combine(_directory.FullName, $"worker{node + 1}.lua"), $$"""
                core.register_service("whoami", "http", function(applet)
                  local body = "node {{node + 1}} worker " .. core.thread .. "\n"
                  applet:set_status(200)
                  applet:add_header("content-length", tostring(#body))
                  applet:start_response()
                  applet:send(body)
                end)
                """);
            string config = Path.Combine(_directory.FullName, $"node{node + 1}.conf");
            File.WriteAllText(config, $$"""
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{_remotePorts[node]}} }
                akka.cluster.seed-nodes = [ "{{seed}}" ]
                actorproxy {
                  remote.credentials = "certs/node{{node + 1}}"
                  global { threads = 1, lua-load = [ "shared.lua" ], lua-load-per-thread = [ "worker{{node + 1}}.lua" ], tune.lua.service-timeout = 1s }
                  frontends.web {
                    bind = "127.0.0.1:{{_httpPorts[node]}}"
                    stick-table = "type ip size 1k expire 1m store http_req_cnt,http_req_rate(1m)"
                    http-request = [
                      "return status 200 content-type text/plain lf-string \"%[src_http_req_cnt] %[src_http_req_rate]\" if { path /rate }",
                      "return status 200 content-type text/plain lf-string \"%[str(a.test),map(hosts.map,none)]\" if { path /map }",
                      "track-sc0 src if { path /hit }",
                      "return status 200 content-type text/plain string hit if { path /hit }",
                      "use-service prometheus-exporter if { path /metrics }", "use-service lua.count if { path /count }", "use-service lua.inits if { path /inits }", "use-service lua.whoami if { path /whoami }", "use-service lua.first_line if { path /first-line }" ]
                  }
                  frontends.tcp { bind = "127.0.0.1:{{_tcpPorts[node]}}", mode = tcp, tcp-request = [ "content use-service lua.tcp_hello" ] }
                }
                """);
            var process = ActorProxyProcess.Start("run", "-f", config);
            _processes.Add(process);
            await process.WaitForOutputAsync("ActorProxy running");
        }
    }

    private string Credentials(string name) => Path.Combine(_directory.FullName, "certs", name);

    public async Task DisposeAsync()
    {
        // The joiners first, then the seed, each through its graceful stop.
        for (int node = _processes.Count - 1; node >= 0; node--)
        {
            if (!_processes[node].HasExited)
            {
                await _processes[node].StopAsync();
            }
        }
        _client.Dispose();
        _directory.Delete(recursive: true);
    }
}
