using ActorProxy.Host.Tests.DataPlane;
using ActorProxy.Host.Tests.StatsSocket;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 1: HAProxy's Proxy, Server and Listener classes (<c>core.proxies</c>,
/// <c>core.frontends</c>, <c>core.backends</c>) read by the same script on HAProxy 2.6 and on
/// ActorProxy — names, numbers, capabilities, modes, servers, listeners, stats fields and their
/// types — and a server's state set by the script, which the forwarding of both then follows.</summary>
public sealed class LuaProxyClassParityTests : IAsyncLifetime
{
    private const string Script = """
        local at_load = tostring(core.proxies)
        local at_init = "not run"
        core.register_init(function()
          at_init = type(core.proxies) .. "," .. type(core.frontends) .. "," .. type(core.backends)
        end)

        local function names(t)
          local list = {}
          for name in pairs(t) do list[#list + 1] = name end
          table.sort(list)
          return list
        end

        local function reply(applet, lines)
          local body = table.concat(lines, "\n") .. "\n"
          applet:set_status(200)
          applet:add_header("content-type", "text/plain")
          applet:add_header("content-length", tostring(#body))
          applet:start_response()
          applet:send(body)
        end

        local function kind(value) return math.type(value) or type(value) end

        core.register_service("inventory", "http", function(applet)
          local out = { "load=" .. at_load, "init=" .. at_init }
          for _, list in ipairs({ "proxies", "frontends", "backends" }) do
            out[#out + 1] = list .. "=" .. table.concat(names(core[list]), ",")
          end
          for _, name in ipairs(names(core.proxies)) do
            local px = core.proxies[name]
            out[#out + 1] = string.format("%s name=%s uuid=%s:%s cap=%s mode=%s servers=%s listeners=%s stktable=%s",
              name, px.name, px.uuid, kind(px.uuid), px:get_cap(), px:get_mode(), table.concat(names(px.servers), ","),
              table.concat(names(px.listeners), ","), tostring(px.stktable))
            for _, server in ipairs(names(px.servers)) do
              local sv = px.servers[server]
              out[#out + 1] = string.format("  %s puid=%s:%s addr=%s weight=%s maxconn=%s draining=%s:%s", sv.name, sv.puid,
                kind(sv.puid), sv:get_addr(), sv:get_weight(), sv:get_maxconn(), tostring(sv:is_draining()), kind(sv:is_draining()))
            end
            for _, listener in ipairs(names(px.listeners)) do
              out[#out + 1] = "  listener " .. listener .. " fields=" .. tostring(next(px.listeners[listener]:get_stats()))
            end
          end
          reply(applet, out)
        end)

        local fields = { "pxname", "svname", "type", "iid", "sid", "status", "mode", "pid", "qcur", "scur", "bck", "hrsp_2xx", "req_tot" }
        core.register_service("stats", "http", function(applet)
          local out = {}
          local function dump(label, stats)
            local parts = { label }
            for _, field in ipairs(fields) do parts[#parts + 1] = field .. "=" .. tostring(stats[field]) .. ":" .. kind(stats[field]) end
            out[#out + 1] = table.concat(parts, " ")
          end
          dump("web", core.frontends.web:get_stats())
          dump("raw", core.frontends.raw:get_stats())
          dump("app", core.backends.app:get_stats())
          dump("s1", core.backends.app.servers.s1:get_stats())
          dump("d1", core.backends.db.servers.d1:get_stats())
          reply(applet, out)
        end)

        -- s1 moves to the port the query names: HAProxy's reports, then its address.
        core.register_service("move", "http", function(applet)
          local sv = core.backends.app.servers.s1
          local port = applet.qs
          reply(applet, { sv:set_addr("not-an-ip"), sv:set_addr("127.0.0.1", "x"), sv:set_addr("127.0.0.1", port),
            sv:set_addr("127.0.0.1", port), sv:set_addr("127.0.0.1"), sv:get_addr() })
        end)

        -- What a server without checks or agent ignores, then a state the query names.
        core.register_service("state", "http", function(applet)
          local sv = core.backends.app.servers.s1
          sv:check_enable(); sv:check_disable(); sv:agent_enable(); sv:agent_disable()
          sv:agent_force_up(); sv:agent_force_down(); core.backends.app:shut_bcksess()
          if applet.qs == "drain" then sv:set_drain() elseif applet.qs == "maint" then sv:set_maint() elseif applet.qs == "ready" then sv:set_ready()
          elseif applet.qs == "down" then sv:check_force_down() elseif applet.qs == "nolb" then sv:check_force_nolb() elseif applet.qs == "up" then sv:check_force_up() end
          reply(applet, { "draining=" .. tostring(sv:is_draining()) .. " status=" .. tostring(sv:get_stats().status) })
        end)
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-proxies");
    private readonly int _haproxyPort = TestBackend.FreePort();
    private readonly int _haproxyTcpPort = TestBackend.FreePort();
    private readonly int _actorProxyPort = TestBackend.FreePort();
    private readonly int _actorProxyTcpPort = TestBackend.FreePort();
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private TestBackend _first = null!;
    private TestBackend _second = null!;
    private HaproxyProcess _haproxy = null!;
    private ActorProxyProcess _actorProxy = null!;

    public async Task InitializeAsync()
    {
        _first = await TestBackend.StartAsync("first");
        _second = await TestBackend.StartAsync("second");
        string script = Path.Combine(_directory.FullName, "proxies.lua");
        File.WriteAllText(script, Script);
        string services = """
              http-request use-service lua.inventory if { path /inventory }
              http-request use-service lua.stats if { path /stats }
              http-request use-service lua.state if { path /state }
              http-request use-service lua.move if { path /move }
            """;
        string haproxy = Path.Combine(_directory.FullName, "haproxy.cfg");
        File.WriteAllText(haproxy, $"""
            global
              lua-load {script}
              stats socket {_directory.FullName}/haproxy.sock level admin
            defaults
              timeout connect 2s
              timeout client 5s
              timeout server 5s
            frontend web
              mode http
              bind 127.0.0.1:{_haproxyPort}
            {services}
              default_backend app
            frontend raw
              mode tcp
              bind 127.0.0.1:{_haproxyTcpPort}
              default_backend db
            backend app
              mode http
              server s1 127.0.0.1:{_first.Port}
              server s2 127.0.0.1:{_second.Port}
            backend db
              mode tcp
              server d1 127.0.0.1:{_first.Port}

            """);
        string actorProxy = Path.Combine(_directory.FullName, "actorproxy.conf");
        File.WriteAllText(actorProxy, $$"""
            akka.remote.dot-netty.tcp.port = {{TestBackend.FreePort()}}
            actorproxy {
              global { threads = 1, lua-load = [ "{{script}}" ], stats-socket = "actorproxy.sock level admin" }
              frontends.web {
                bind = "127.0.0.1:{{_actorProxyPort}}"
                http-request = [ "use-service lua.inventory if { path /inventory }", "use-service lua.stats if { path /stats }", "use-service lua.state if { path /state }", "use-service lua.move if { path /move }" ]
                default-backend = app
              }
              frontends.raw { mode = tcp, bind = "127.0.0.1:{{_actorProxyTcpPort}}", default-backend = db }
              backends.app { servers { s1 = "127.0.0.1:{{_first.Port}}", s2 = "127.0.0.1:{{_second.Port}}" } }
              backends.db { mode = tcp, servers { d1 = "127.0.0.1:{{_first.Port}}" } }
            }
            """);
        _haproxy = await HaproxyProcess.StartAsync(haproxy, _haproxyPort, _haproxyTcpPort);
        _actorProxy = ActorProxyProcess.Start("run", "-f", actorProxy);
        await _actorProxy.WaitForOutputAsync("ActorProxy running");
    }

    [Fact]
    public async Task TheProxiesServersAndListeners_ReadAsOnHaproxy()
    {
        string haproxy = await GetAsync("/inventory", haproxy: true);

        Assert.Equal(haproxy, await GetAsync("/inventory", haproxy: false));
        Assert.Contains("load=nil", haproxy);
        Assert.Contains("  s2 puid=2:string", haproxy);
    }

    [Fact]
    public async Task TheStatsFields_ReadAsOnHaproxy_WithTheirTypes()
    {
        // One request through each frontend first, so that counters are not all zero.
        foreach (bool haproxy in new[] { true, false })
        {
            Assert.Contains("x-backend:", await GetAsync("/counted", haproxy));
        }

        string haproxyStats = await GetAsync("/stats", haproxy: true);

        Assert.Equal(haproxyStats, await GetAsync("/stats", haproxy: false));
        Assert.Contains("s1 pxname=app:string svname=s1:string type=2:integer iid=4:integer sid=1:integer", haproxyStats);
    }

    [Fact]
    public async Task AServerForcedDownByAScript_GetsNoRequests_UntilForcedUp_AsOnHaproxy()
    {
        Assert.Equal(await GetAsync("/state?down", haproxy: true), await GetAsync("/state?down", haproxy: false));
        foreach (bool haproxy in new[] { true, false })
        {
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal("second", TestBackend.Header(await GetAsync($"/d{i}", haproxy), "x-backend"));
            }
        }
        Assert.Matches(@"(?m)^app s1 \S+ ready down", await Socat.RunAsync("show servers state\n", $"UNIX-CONNECT:{Path.Combine(_directory.FullName, "actorproxy.sock")}"));
        Assert.Equal(await GetAsync("/state?up", haproxy: true), await GetAsync("/state?up", haproxy: false));
        foreach (bool haproxy in new[] { true, false })
        {
            var answeredBy = new HashSet<string?>();
            for (int i = 0; i < 4; i++)
            {
                answeredBy.Add(TestBackend.Header(await GetAsync($"/u{i}", haproxy), "x-backend"));
            }
            Assert.Equal(["first", "second"], answeredBy.Order());
        }
    }

    [Fact]
    public async Task AServerDrainedByAScript_GetsNoNewRequests_UntilReady_AsOnHaproxy()
    {
        foreach (string state in new[] { "down", "nolb", "drain", "up", "maint", "ready", "", "nolb", "up", "drain" })
        {
            Assert.Equal(await GetAsync($"/state?{state}", haproxy: true), await GetAsync($"/state?{state}", haproxy: false));
        }
        foreach (bool haproxy in new[] { true, false })
        {
            var answeredBy = new List<string?>();
            for (int i = 0; i < 4; i++)
            {
                answeredBy.Add(TestBackend.Header(await GetAsync($"/x{i}", haproxy), "x-backend"));
            }
            Assert.All(answeredBy, name => Assert.Equal("second", name));
        }
        // ActorProxy's own listing shows what the script set.
        string servers = await Socat.RunAsync("show servers state\n", $"UNIX-CONNECT:{Path.Combine(_directory.FullName, "actorproxy.sock")}");
        Assert.Matches(@"(?m)^app s1 \S+ drain ", servers);

        foreach (bool haproxy in new[] { true, false })
        {
            await GetAsync("/state?ready", haproxy);
            var answeredBy = new HashSet<string?>();
            for (int i = 0; i < 4; i++)
            {
                answeredBy.Add(TestBackend.Header(await GetAsync($"/y{i}", haproxy), "x-backend"));
            }
            Assert.Equal(["first", "second"], answeredBy.Order());
        }
    }

    [Fact]
    public async Task AServerMovedByAScript_TakesItsRequestsAtItsNewAddress_AsOnHaproxy()
    {
        string haproxy = await GetAsync($"/move?{_second.Port}", haproxy: true);

        Assert.Equal(haproxy, await GetAsync($"/move?{_second.Port}", haproxy: false));
        Assert.Contains($"no need to change the addr, port changed from '{_first.Port}' to '{_second.Port}' by 'Lua script'", haproxy);
        foreach (bool onHaproxy in new[] { true, false })
        {
            // Bounded: ActorProxy's forwarding takes the new address as YARP applies its configuration.
            await Eventually.HoldsAsync(async () => TestBackend.Header(await GetAsync("/moved", onHaproxy), "x-backend") == "second" &&
                TestBackend.Header(await GetAsync("/moved", onHaproxy), "x-backend") == "second", "both servers answer from the second backend", TimeSpan.FromSeconds(10));
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal("second", TestBackend.Header(await GetAsync($"/m{i}", onHaproxy), "x-backend"));
            }
        }
        string cli = $"set server app/s2 addr 127.0.0.1 port {_first.Port}\n";
        Assert.Equal(await Socat.RunAsync(cli, $"UNIX-CONNECT:{Path.Combine(_directory.FullName, "haproxy.sock")}"),
            await Socat.RunAsync(cli, $"UNIX-CONNECT:{Path.Combine(_directory.FullName, "actorproxy.sock")}"));
    }

    private async Task<string> GetAsync(string path, bool haproxy)
    {
        using var response = await _client.GetAsync($"http://127.0.0.1:{(haproxy ? _haproxyPort : _actorProxyPort)}{path}");
        return await response.Content.ReadAsStringAsync();
    }

    public async Task DisposeAsync()
    {
        await _actorProxy.StopAsync();
        await _haproxy.DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        _client.Dispose();
        _directory.Delete(recursive: true);
    }
}
