using ActorProxy.Host.Tests.DataPlane;
using ActorProxy.Host.Tests.Logging;
using ActorProxy.Host.Tests.Parity;

namespace ActorProxy.Host.Tests.Metrics;

/// <summary>
/// <c>http-request use-service prometheus-exporter</c> against HAProxy 2.6's own exporter: the same
/// frontends and backends on both, the same requests one after the other (proxied, denied,
/// returned, redirected, served by Lua, to a dead server, malformed; TCP relayed and rejected),
/// then each side scraped and the two scrapes compared metric by metric: the same names and
/// labels, the same counts and bytes, the same states; times and limits are the machine's.
/// </summary>
public sealed class MetricsParityTests : IAsyncLifetime
{
    private const string Lua = """
        core.register_service("hello", "http", function(applet)
          applet:set_status(200)
          applet:add_header("content-type", "text/plain")
          applet:start_response()
          applet:send("hello")
        end)
        """;

    // Compared value for value. The proxies' own replies differ in a Date field (ActorProxy's web
    // server adds one), so the bytes out of a frontend and of the dead backend (its 503) are not
    // compared: those of a backend or server that answered are, they carry the server's answers.
    private static readonly string[] Exact =
    [
        "haproxy_frontend_status", "haproxy_frontend_sessions_total", "haproxy_frontend_connections_total",
        "haproxy_frontend_http_requests_total", "haproxy_frontend_http_responses_total", "haproxy_frontend_requests_denied_total",
        "haproxy_frontend_request_errors_total", "haproxy_frontend_intercepted_requests_total", "haproxy_frontend_denied_connections_total",
        "haproxy_frontend_bytes_in_total",
        "haproxy_backend_status", "haproxy_backend_sessions_total", "haproxy_backend_http_requests_total", "haproxy_backend_http_responses_total",
        "haproxy_backend_connection_errors_total", "haproxy_backend_response_errors_total", "haproxy_backend_loadbalanced_total",
        "haproxy_backend_bytes_in_total", "haproxy_backend_bytes_out_total", "haproxy_backend_active_servers", "haproxy_backend_weight",
        "haproxy_server_status", "haproxy_server_sessions_total", "haproxy_server_http_responses_total", "haproxy_server_connection_errors_total",
        "haproxy_server_loadbalanced_total", "haproxy_server_bytes_in_total", "haproxy_server_bytes_out_total", "haproxy_server_weight",
    ];

    // Compared by their series only: the values are times, this machine's limits, or how many
    // connections were open at once (one closing as the next opens counts on either side).
    private static readonly string[] SameSeries =
    [
        "haproxy_frontend_max_sessions", "haproxy_backend_max_sessions", "haproxy_server_max_sessions",
        "haproxy_frontend_bytes_out_total", "haproxy_frontend_current_sessions", "haproxy_frontend_limit_sessions",
        "haproxy_backend_current_sessions", "haproxy_server_current_sessions",
        "haproxy_backend_queue_time_average_seconds", "haproxy_backend_connect_time_average_seconds",
        "haproxy_backend_response_time_average_seconds", "haproxy_backend_total_time_average_seconds",
        "haproxy_backend_max_queue_time_seconds", "haproxy_backend_max_connect_time_seconds",
        "haproxy_backend_max_response_time_seconds", "haproxy_backend_max_total_time_seconds",
        "haproxy_server_queue_time_average_seconds", "haproxy_server_connect_time_average_seconds",
        "haproxy_server_response_time_average_seconds", "haproxy_server_total_time_average_seconds",
        "haproxy_server_max_queue_time_seconds", "haproxy_server_max_connect_time_seconds",
        "haproxy_server_max_response_time_seconds", "haproxy_server_max_total_time_seconds",
        "haproxy_backend_retry_warnings_total", "haproxy_backend_redispatch_warnings_total",
        "haproxy_server_retry_warnings_total", "haproxy_server_redispatch_warnings_total",
        "haproxy_frontend_responses_denied_total", "haproxy_server_response_errors_total",
    ];

    private static readonly string[] Requests =
    [
        "GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
        "GET /b?c=d HTTP/1.1\r\nHost: h\r\nUser-Agent: t\r\nConnection: close\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        "POST /q HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "GET /deny HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
        "GET /return HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
        "GET /redirect HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
        "GET /service HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
        "GET /dead HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nBad Field: x\r\nConnection: close\r\n\r\n",
    ];

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-metrics-parity");
    private readonly string[] _frontends = ["fe", "tcp", "rejected", "stats"];
    private readonly Dictionary<string, (int Haproxy, int ActorProxy)> _ports;
    private readonly int _deadPort = TestBackend.FreePort();
    private TestBackend _origin = null!;
    private HaproxyProcess _haproxy = null!;
    private ActorProxyProcess _actorProxy = null!;

    public MetricsParityTests() => _ports = _frontends.ToDictionary(f => f, _ => (TestBackend.FreePort(), TestBackend.FreePort()));

    public async Task InitializeAsync()
    {
        _origin = await TestBackend.StartAsync("origin");
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "svc.lua"), Lua);
        string haproxy = Path.Combine(_directory.FullName, "haproxy.cfg");
        await File.WriteAllTextAsync(haproxy, HaproxyConfig());
        string actorProxy = Path.Combine(_directory.FullName, "actorproxy.conf");
        await File.WriteAllTextAsync(actorProxy, ActorProxyConfig());
        _actorProxy = ActorProxyProcess.Start("run", "-f", actorProxy);
        await _actorProxy.WaitForOutputAsync("ActorProxy running");
        _haproxy = await HaproxyProcess.StartAsync(haproxy, [.. _ports.Values.Select(p => p.Haproxy)]);
    }

    public async Task DisposeAsync()
    {
        await _haproxy.DisposeAsync();
        await _actorProxy.StopAsync();
        await _origin.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task PrometheusExporter_CountsAsHaproxy()
    {
        await SendRequestsAsync();

        // A stream is counted when it is over, which may be just after its client saw the end:
        // both sides are scraped again until they agree, for a bounded time.
        string? difference = null;
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var expected = await ScrapeAsync(haproxy: true);
            var actual = await ScrapeAsync(haproxy: false);
            difference = Difference(expected, actual);
            if (difference is null)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.True(difference is null, difference);
        // One request at a time: one in flight to the backend and its server at most.
        var scraped = await ScrapeAsync(haproxy: false);
        Assert.Equal(1, scraped.Samples["haproxy_backend_max_sessions{proxy=\"origin\"}"]);
        Assert.Equal(1, scraped.Samples["haproxy_server_max_sessions{proxy=\"origin\",server=\"s1\"}"]);
    }

    [Fact]
    public async Task ShowStat_IsHaproxysCsv()
    {
        await SendRequestsAsync();

        string? difference = null;
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var expected = await ShowStatAsync(haproxy: true);
            var actual = await ShowStatAsync(haproxy: false);
            // HAProxy's header goes on with its stats modules' fields (ssl_*, h2_*, h1_*), which ActorProxy does not write.
            Assert.StartsWith(actual[0], expected[0], StringComparison.Ordinal);
            difference = StatDifference(expected, actual);
            if (difference is null)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.True(difference is null, difference);
    }

    [Fact]
    public async Task PrometheusExporter_HasOnlyHaproxysNamesAndItsOwn()
    {
        var expected = await ScrapeAsync(haproxy: true);
        var actual = await ScrapeAsync(haproxy: false);
        var names = actual.Types.Keys.ToArray();
        Assert.All(names.Where(n => n.StartsWith("haproxy_", StringComparison.Ordinal)), name =>
        {
            Assert.True(expected.Types.ContainsKey(name), $"{name}: HAProxy has no such metric");
            Assert.Equal(expected.Types[name], actual.Types[name]);
        });
        Assert.All(names, name => Assert.True(name.StartsWith("haproxy_", StringComparison.Ordinal) || name.StartsWith("actorproxy_", StringComparison.Ordinal), name));
        Assert.Contains(actual.Samples, s => s.Key.StartsWith("actorproxy_lua_calls_total{state=\"1\"}", StringComparison.Ordinal));
        Assert.Contains(actual.Samples, s => s.Key == "actorproxy_lua_memory_bytes{state=\"0\"}" && s.Value > 0);
        Assert.Contains(actual.Samples, s => s.Key.StartsWith("actorproxy_worker_mailbox_depth{worker=\"2\"}", StringComparison.Ordinal));
    }

    private async Task SendRequestsAsync()
    {
        // A backend no request goes to, its servers in each admin state, set as an operator does.
        foreach (bool haproxy in new[] { true, false })
        {
            string socket = Path.Combine(_directory.FullName, haproxy ? "haproxy.sock" : "actorproxy.sock");
            await StatsSocket.Socat.RunAsync("set server spare/drained state drain\n", socket);
            await StatsSocket.Socat.RunAsync("set server spare/off state maint\n", socket);
        }
        foreach (bool haproxy in new[] { true, false })
        {
            foreach (string request in Requests)
            {
                await AccessLogPair.SendAsync(Port("fe", haproxy), request);
            }
            await AccessLogPair.SendAsync(Port("tcp", haproxy), "GET /relayed HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            await RejectedAsync(Port("rejected", haproxy));
        }
    }

    // show stat's fields compared value for value; the others are compared for being empty or
    // not, but those ActorProxy leaves empty (what it does not know). Not by value: connect and
    // reuse (YARP keeps a server connection for the next request where HAProxy's http-reuse safe
    // opens one for each first request of a client connection), times, rates, limits, bytes out.
    private static readonly string[] ExactStat =
    [
        "qcur", "qmax", "stot", "bin", "dreq", "dresp", "ereq", "econ", "eresp", "wretr", "wredis", "status", "weight", "act", "bck",
        "chkdown", "downtime", "pid", "iid", "sid", "lbtot", "type", "rate_lim", "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx",
        "hrsp_5xx", "hrsp_other", "req_tot", "cli_abrt", "srv_abrt", "comp_in", "comp_out", "comp_byp", "comp_rsp", "addr", "mode",
        "algo", "conn_tot", "intercepted", "dcon", "dses", "wrew", "cache_lookups", "cache_hits", "eint", "uweight",
    ];

    private static readonly string[] LeftEmpty =
    [
        "srv_icur", "idle_conn_cur", "safe_conn_cur", "used_conn_cur", "need_conn_est", "agg_server_status", "agg_server_check_status", "agg_check_status",
    ];

    private static string? StatDifference(string[] expected, string[] actual)
    {
        string[] fields = actual[0][2..].TrimEnd(',').Split(',');
        var want = Rows(expected, fields.Length);
        var got = Rows(actual, fields.Length);
        var lines = new List<string>();
        foreach (var key in want.Keys.Union(got.Keys).Where(k => !k.StartsWith("stats,", StringComparison.Ordinal)))
        {
            if (!want.TryGetValue(key, out var w) || !got.TryGetValue(key, out var g))
            {
                lines.Add($"{key}: {(want.ContainsKey(key) ? "missing from ActorProxy" : "not in HAProxy")}");
                continue;
            }
            for (int i = 0; i < fields.Length; i++)
            {
                if (ExactStat.Contains(fields[i]) ? w[i] != g[i] : !LeftEmpty.Contains(fields[i]) && (w[i].Length == 0) != (g[i].Length == 0))
                {
                    lines.Add($"{key} {fields[i]}: HAProxy '{w[i]}', ActorProxy '{g[i]}'");
                }
            }
        }
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    private static Dictionary<string, string[]> Rows(string[] lines, int fields) =>
        lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToDictionary(f => $"{f[0]},{f[1]}", f => f[..fields]);

    private async Task<string[]> ShowStatAsync(bool haproxy)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(_directory.FullName, haproxy ? "haproxy.sock" : "actorproxy.sock")));
        await using var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync("show stat\n"u8.ToArray());
        using var reader = new StreamReader(stream);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return (await reader.ReadToEndAsync(limit.Token)).Split('\n');
    }

    // What differs between the two scrapes, leaving out the stats frontend (its scrapes are in
    // flight), or null.
    private static string? Difference(PrometheusText expected, PrometheusText actual)
    {
        var lines = new List<string>();
        foreach (string name in Exact.Concat(SameSeries))
        {
            var want = expected.Of(name).Where(Compared).ToDictionary();
            var got = actual.Of(name).Where(Compared).ToDictionary();
            foreach (string series in want.Keys.Union(got.Keys).Order(StringComparer.Ordinal))
            {
                bool inWant = want.TryGetValue(series, out double w);
                bool inGot = got.TryGetValue(series, out double g);
                if (!inWant || !inGot)
                {
                    lines.Add($"{series}: HAProxy {(inWant ? w : "none")}, ActorProxy {(inGot ? g : "none")}");
                }
                else if (Exact.Contains(name) && w != g && !(name.Contains("bytes_out", StringComparison.Ordinal) && series.Contains("proxy=\"dead\"", StringComparison.Ordinal)))
                {
                    lines.Add($"{series}: HAProxy {w}, ActorProxy {g}");
                }
            }
        }
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    // A connection the frontend closes at accept (tcp-request connection reject): it may be reset
    // before the client's connect returns.
    private static async Task RejectedAsync(int port)
    {
        try
        {
            await AccessLogPair.CloseAtOnceAsync(port);
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Refused, as it should be.
        }
    }

    private static bool Compared(KeyValuePair<string, double> sample) => !sample.Key.Contains("proxy=\"stats\"", StringComparison.Ordinal);

    private async Task<PrometheusText> ScrapeAsync(bool haproxy)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string text = await client.GetStringAsync($"http://127.0.0.1:{Port("stats", haproxy)}/metrics");
        return PrometheusText.Parse(text);
    }

    private int Port(string frontend, bool haproxy) => haproxy ? _ports[frontend].Haproxy : _ports[frontend].ActorProxy;

    private string HaproxyConfig() => $$"""
        global
          lua-load {{_directory.FullName}}/svc.lua
          stats socket {{_directory.FullName}}/haproxy.sock level admin
        defaults
          mode http
          timeout client 5s
          timeout server 5s
          timeout connect 2s
        frontend fe
          bind 127.0.0.1:{{_ports["fe"].Haproxy}}
          http-request deny if { path /deny }
          http-request return status 200 content-type text/plain string hi if { path /return }
          http-request redirect location /elsewhere if { path /redirect }
          http-request use-service lua.hello if { path /service }
          use_backend dead if { path /dead }
          default_backend origin
        frontend tcp
          bind 127.0.0.1:{{_ports["tcp"].Haproxy}}
          mode tcp
          default_backend tcporigin
        frontend rejected
          bind 127.0.0.1:{{_ports["rejected"].Haproxy}}
          mode tcp
          tcp-request connection reject
          default_backend tcporigin
        frontend stats
          bind 127.0.0.1:{{_ports["stats"].Haproxy}}
          http-request use-service prometheus-exporter if { path /metrics }
        backend origin
          server s1 127.0.0.1:{{_origin.Port}}
        backend dead
          retries 0
          server s1 127.0.0.1:{{_deadPort}}
        backend tcporigin
          mode tcp
          server s1 127.0.0.1:{{_origin.Port}}
        backend spare
          server ready 127.0.0.1:{{_origin.Port}} weight 3
          server drained 127.0.0.1:{{_origin.Port}} weight 2
          server off 127.0.0.1:{{_origin.Port}}

        """;

    private string ActorProxyConfig() => $$"""
        actorproxy {
          global { threads = 2, lua-load = [ "svc.lua" ], stats-socket = "actorproxy.sock level admin" }
          frontends.fe {
            bind = "127.0.0.1:{{_ports["fe"].ActorProxy}}"
            timeout { client = 5s }
            http-request = [
              "deny if { path /deny }",
              "return status 200 content-type text/plain string hi if { path /return }",
              "redirect location /elsewhere if { path /redirect }",
              "use-service lua.hello if { path /service }",
            ]
            use-backend = [ "dead if { path /dead }" ]
            default-backend = origin
          }
          frontends.tcp { bind = "127.0.0.1:{{_ports["tcp"].ActorProxy}}", mode = tcp, default-backend = tcporigin }
          frontends.rejected { bind = "127.0.0.1:{{_ports["rejected"].ActorProxy}}", mode = tcp, tcp-request = [ "connection reject" ], default-backend = tcporigin }
          frontends.stats { bind = "127.0.0.1:{{_ports["stats"].ActorProxy}}", http-request = [ "use-service prometheus-exporter if { path /metrics }" ] }
          backends.origin { servers { s1 = "127.0.0.1:{{_origin.Port}}" } }
          backends.dead { servers { s1 = "127.0.0.1:{{_deadPort}}" } }
          backends.tcporigin { mode = tcp, servers { s1 = "127.0.0.1:{{_origin.Port}}" } }
          backends.spare { servers { ready = "127.0.0.1:{{_origin.Port}} weight 3", drained = "127.0.0.1:{{_origin.Port}} weight 2", off = "127.0.0.1:{{_origin.Port}}" } }
        }
        """;
}
