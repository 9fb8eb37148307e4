namespace ActorProxy.Host.Tests.DataPlane;

/// <summary>One actorproxy process for the data-plane tests, with Lua in both kinds of state,
/// in front of a <see cref="TestBackend"/>.</summary>
public sealed class ProxyFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-e2e");
    private TestBackend _backend = null!;
    private TestBackend _sick = null!;
    private ActorProxyProcess _proxy = null!;

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>The log once it holds every one of <paramref name="texts"/> (or as it is after the
    /// process's wait limit): a line is logged as the request ends, and reaches the test later.</summary>
    public Task<string> LogOnceItHoldsAsync(params string[] texts) => _proxy.OutputOnceItHoldsAsync(texts);

    /// <summary>The test backend's port.</summary>
    public int BackendPort => _backend.Port;

    /// <summary>Ports of the TCP frontends: an echo service, a relay to the test backend, a
    /// failing service, and one that rejects every connection.</summary>
    public (int Echo, int Relay, int Broken, int Reject, int Greet) TcpPorts { get; private set; }

    /// <summary>An HTTP frontend whose rules call no Lua.</summary>
    public int BuiltinRulesPort { get; private set; }

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        _sick = await TestBackend.StartAsync("sick", healthy: false);
        int port = TestBackend.FreePort();
        int refusing = TestBackend.FreePort();
        TcpPorts = (TestBackend.FreePort(), TestBackend.FreePort(), TestBackend.FreePort(), TestBackend.FreePort(), TestBackend.FreePort());
        BuiltinRulesPort = TestBackend.FreePort();
        Client.BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Write("shared.lua", """
            local counter = 0
            core.register_fetches("counter", function(txn) counter = counter + 1 return counter end)
            core.register_converters("shout", function(s) return s:upper() .. "!" end)
            core.register_service("echo", "http", function(applet)
              local body = "echo: " .. applet:receive()
              applet:set_status(200)
              applet:add_header("content-type", "text/plain")
              applet:start_response()
              applet:send(body)
            end)
            core.register_service("broken", "http", function(applet) error("service broke") end)
            core.register_service("slow", "http", function(applet) while true do end end)
            """);
        Write("worker.lua", """
            local handled = 0
            core.register_action("tag", { "http-req" }, function(txn)
              handled = handled + 1
              txn.http:req_set_header("X-Worker", tostring(core.thread))
              txn.http:req_set_header("X-Handled", tostring(handled))
            end)
            local released = 0
            core.register_action("keep", { "http-req" }, function(txn)
              txn:set_priv(setmetatable({}, { __gc = function() released = released + 1 end }))
            end)
            core.register_action("released", { "http-req" }, function(txn)
              collectgarbage("collect")
              txn.http:req_set_header("X-Released", tostring(released))
            end)
            core.register_action("fail", { "http-req" }, function(txn) error("action broke") end)
            core.register_action("spin", { "http-req" }, function(txn) while true do end end)
            core.register_fetches("fails", function(txn) error("fetch broke") end)
            core.register_action("stamp", { "http-res" }, function(txn)
              txn.http:res_set_header("X-Stamp", "status " .. txn.sf:status() .. " on " .. core.thread)
            end)
            core.register_action("nap", { "http-req" }, function(txn)
              core.msleep(20)
              txn.http:req_set_header("X-Napped", "yes")
            end)
            core.register_service("socket_service", "http", function(applet)
              local s = core.tcp()
              s:settimeout(5)
              s:connect("127.0.0.1", tonumber(applet.headers["x-backend-port"][0]))
              s:send("GET /via-socket HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
              local status = s:receive("*l")
              s:close()
              applet:set_status(200)
              applet:start_response()
              applet:send("backend said: " .. status)
            end)
            core.register_action("greet", { "tcp-req" }, function(txn, word)
              txn:set_var("txn.greeting", word .. " " .. txn.f:src())
            end)
            core.register_service("tcp_echo", "tcp", function(applet)
              while true do
                local line = applet:getline()
                if line == "" then break end
                applet:send(core.thread .. ":" .. line)
              end
            end)
            core.register_service("tcp_greet", "tcp", function(applet)
              applet:send(applet:get_var("txn.greeting") .. " to " .. applet.sf:dst() .. applet.sc:upper("!x") .. "\n")
            end)
            core.register_service("tcp_broken", "tcp", function(applet)
              applet:send("about to fail\n")
              error("tcp service broke")
            end)
            """);
        string config = Write("proxy.conf", $$"""
            actorproxy {
              global {
                threads = 2
                lua-load = [ "shared.lua" ]
                lua-load-per-thread = [ "worker.lua" ]
                tune.lua { session-timeout = 300ms, service-timeout = 300ms }
              }
              frontends.main {
                bind = "127.0.0.1:{{port}}"
                http-request = [
                  "use-service lua.echo if { path_beg /service }",
                  "use-service lua.broken if { path_beg /broken-service }",
                  "use-service lua.slow if { path_beg /slow-service }",
                  "use-service lua.socket_service if { path_beg /socket-service }",
                  "lua.nap if { path_beg /nap }",
                  "lua.keep if { path_beg /keep }",
                  "lua.released if { path_beg /released }",
                  "return status 201 content-type text/plain string created if { path /made }",
                  "deny status 429 if { hdr(x-deny) -m found }",
                  "lua.tag",
                  "del-header X-Drop-Me",
                  "add-header X-Twice b if { hdr(x-twice) -m found }",
                  "lua.fail if { path_beg /fail-action }",
                  "lua.spin if { path_beg /slow-action }",
                  "set-header X-Id %[lua.counter]",
                  "set-header X-Shout %[path,lua.shout]",
                  "set-header X-Fetch %[lua.fails] if { path_beg /fail-fetch }",
                ]
                http-response = [ "set-header X-Status %[status]", "lua.stamp" ]
                use-backend = [ "retry if { path_beg /retry }", "empty if { path_beg /empty }", "checked if { path_beg /checked }" ]
                default-backend = app
              }
              frontends.builtin {
                bind = "127.0.0.1:{{BuiltinRulesPort}}"
                http-request = [
                  "return status 202 content-type text/plain string accepted if { path /accept }",
                  "set-header X-Route %[path]",
                  "set-var(txn.seen) method",
                ]
                http-response = [ "set-header X-Seen %[var(txn.seen)]" ]
                use-backend = [ "app if { path_beg /app }" ]
              }
              frontends.echo { bind = "127.0.0.1:{{TcpPorts.Echo}}", mode = tcp, tcp-request = [ "content use-service lua.tcp_echo" ] }
              frontends.relay { bind = "127.0.0.1:{{TcpPorts.Relay}}", mode = tcp, default-backend = tcp_app }
              frontends.greet {
                bind = "127.0.0.1:{{TcpPorts.Greet}}"
                mode = tcp
                tcp-request = [ "content lua.greet hello", "content use-service lua.tcp_greet" ]
              }
              frontends.broken { bind = "127.0.0.1:{{TcpPorts.Broken}}", mode = tcp, tcp-request = [ "content use-service lua.tcp_broken" ] }
              frontends.reject {
                bind = "127.0.0.1:{{TcpPorts.Reject}}"
                mode = tcp
                tcp-request = [ "connection reject if { src 127.0.0.1 }" ]
                default-backend = tcp_app
              }
              backends.tcp_app { mode = tcp, servers { dead = "127.0.0.1:{{refusing}}", s1 = "127.0.0.1:{{_backend.Port}}" } }
              backends.app { servers { s1 = "127.0.0.1:{{_backend.Port}}" } }
              backends.retry {
                balance = first
                servers { a = "127.0.0.1:{{refusing}}", b = "127.0.0.1:{{_backend.Port}}" }
              }
              backends.empty { }
              backends.checked {
                servers { good = "127.0.0.1:{{_backend.Port}}", sick = "127.0.0.1:{{_sick.Port}}" }
                health-check { path = "/health", interval = 200ms, timeout = 1s }
              }
            }
            """);
        _proxy = ActorProxyProcess.Start("run", "-f", config);
        await _proxy.WaitForOutputAsync("ActorProxy running");
    }

    public async Task DisposeAsync()
    {
        await _proxy.StopAsync();
        await _backend.DisposeAsync();
        await _sick.DisposeAsync();
        Client.Dispose();
        _directory.Delete(recursive: true);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }
}
