using System.Net;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Stats;

namespace ActorProxy.Runtime.Tests.Lua.Api;

/// <summary>HAProxy's Proxy, Server and Listener classes on what ActorProxy's servers are: states
/// set through the node's server states, HAProxy's defaults read where ActorProxy has nothing to
/// change (weights, maxconn, agents), and a clear error for each change it cannot make.
/// Behaviour shared with HAProxy is compared with it in Host.Tests' LuaProxyClassParityTests.</summary>
public sealed class LuaProxyApiTests : IDisposable
{
    private static readonly ProxyConfig Config = new("test.conf", new GlobalSettings())
    {
        Frontends = [new FrontendSettings { Name = "web", Bind = new IPEndPoint(IPAddress.Loopback, 8080) }],
        Backends =
        [
            new BackendSettings { Name = "app", Servers = [new ServerSettings("s1", "127.0.0.1", 9001), new ServerSettings("s2", "::1", 9002)] },
            new BackendSettings
            {
                Name = "checked", Servers = [new ServerSettings("c1", "127.0.0.1", 9003)],
                HealthCheck = new HealthCheckSettings("/health", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)),
            },
        ],
    };

    private readonly ProxyDirectory _proxies = new(Config, new ProxyStats(Config));
    private readonly LuaScriptEngine _lua;
    private readonly LoadedLuaState _state;

    public LuaProxyApiTests()
    {
        _lua = new LuaScriptEngine(proxies: _proxies);
        _state = _lua.Load("body_sees = tostring(core.proxies)");
    }

    [Fact]
    public void TheTables_AppearOnceTheFilesHaveRun_WithHaproxysAttributes()
    {
        _state.State.Execute("""
            assert(body_sees == "nil", body_sees)
            local app = core.backends.app
            assert(core.proxies.app ~= nil and core.frontends.web ~= nil and core.frontends.app == nil)
            assert(app.name == "app" and app.uuid == "2" and app:get_cap() == "backend" and app:get_mode() == "http")
            assert(core.frontends.web.uuid == "1" and core.frontends.web.listeners["sock-1"] ~= nil and next(app.listeners) == nil)
            local s2 = app.servers.s2
            assert(s2.name == "s2" and s2.puid == "2" and s2:get_addr() == "::1:9002", s2:get_addr())
            assert(s2:get_name() == "s2" and s2:get_puid() == "2")
            assert(s2:get_weight() == 1 and s2:get_maxconn() == 0 and s2:is_draining() == 0)
            assert(app.stktable == nil)
            """);
    }

    [Fact]
    public void Stats_AreShowStatsFields_NumbersAsIntegers_EmptyAsNil()
    {
        _state.State.Execute("""
            local stats = core.backends.app.servers.s1:get_stats()
            assert(stats.pxname == "app" and stats.svname == "s1" and math.type(stats.sid) == "integer" and stats.sid == 1)
            assert(math.type(stats.stot) == "integer" and stats.stot == 0)
            assert(stats.check_status == nil)
            assert(core.frontends.web:get_stats().svname == "FRONTEND" and core.backends.app:get_stats().svname == "BACKEND")
            assert(next(core.frontends.web.listeners["sock-1"]:get_stats()) == nil)
            """);
    }

    [Fact]
    public void AState_IsSetThroughTheNodesServerStates_AndReadBack()
    {
        var servers = new RecordingServerStates();
        _proxies.Servers = servers;

        _state.State.Execute("""
            local s1 = core.backends.app.servers.s1
            s1:set_drain()
            assert(s1:is_draining() == 1)
            s1:set_maint()
            assert(s1:is_draining() == 0)
            s1:set_ready()
            """);

        Assert.Equal([("app", "s1", ServerAdminState.Drain), ("app", "s1", ServerAdminState.Maint), ("app", "s1", ServerAdminState.Ready)], servers.Changes);

        _state.State.Execute("""
            local s2 = core.backends.app.servers.s2
            s2:check_force_down(); s2:check_force_nolb(); s2:check_force_up()
            """);

        Assert.Equal([("app", "s2", ServerForcedHealth.Stopped), ("app", "s2", ServerForcedHealth.Stopping), ("app", "s2", ServerForcedHealth.Running)], servers.Forced);

        _state.State.Execute("""
            local c1 = core.backends.checked.servers.c1
            c1:check_disable(); c1:check_enable()
            core.backends.app.servers.s1:check_disable()
            """);

        Assert.Equal([("checked", "c1", false), ("checked", "c1", true)], servers.Checks);
    }

    [Fact]
    public void AnAddress_IsSetThroughTheNodesServerStates_AndGetAddrReadsIt()
    {
        var servers = new RecordingServerStates();
        _proxies.Servers = servers;

        _state.State.Execute("""
            local s1 = core.backends.app.servers.s1
            assert(s1:set_addr("10.0.0.9", "8080") == "IP changed from '127.0.0.1' to '10.0.0.9' by 'Lua script'")
            assert(s1:get_addr() == "10.0.0.9:8080", s1:get_addr())
            """);

        Assert.Equal("http://10.0.0.9:8080", servers.Addresses[("app", "s1")]);
    }

    [Fact]
    public void AStateSetBeforeTheListenersRun_IsAnErrorSayingSo()
    {
        var error = Assert.Throws<LuaScriptException>(() => _state.State.Execute("core.backends.app.servers.s1:set_maint()"));

        Assert.Contains("Server.set_maint: servers take a state once the node's listeners run", error.Message);
    }

    [Theory]
    [InlineData("core.backends.app.servers.s1:set_addr('10.0.0.1')", "Server.set_addr: a server moves once the node's listeners run")]
    [InlineData("core.backends.checked.servers.c1:check_force_down()", "Server.check_force_down: servers take a state once the node's listeners run")]
    [InlineData("core.backends.checked.servers.c1:check_disable()", "Server.check_disable: servers take a state once the node's listeners run")]
    [InlineData("core.frontends.web:pause()", "Proxy.pause: a frontend's listener changes once the node's listeners run")]
    [InlineData("core.backends.app.servers.s1.get_addr(core.backends.app)", "bad argument #1 to 'get_addr' (Server expected)")]
    public void WhatActorProxyCannotDo_IsAnErrorNamingIt(string call, string message)
    {
        var error = Assert.Throws<LuaScriptException>(() => _state.State.Execute(call));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void AWeight_IsSetThroughTheNodesServerStates_AndReadBack()
    {
        _state.State.Execute("""
            local s1 = core.backends.app.servers.s1
            assert(s1:get_weight() == 1)
            local refusal = s1:set_weight("2")
            assert(refusal:find("a server's weight changes once the node's listeners run", 1, true), refusal)
            """);
        var servers = new RecordingServerStates();
        _proxies.Servers = servers;

        _state.State.Execute("""
            local s1 = core.backends.app.servers.s1
            assert(s1:set_weight(3) == nil)
            assert(s1:get_weight() == 3, s1:get_weight())
            assert(s1:is_draining() == 0)
            assert(s1:set_weight("0%") == nil)
            assert(s1:is_draining() == 1)
            assert(s1:set_weight("x") == "Empty weight string empty or preceded by garbage")
            """);

        Assert.Equal(["3", "0%", "x"], servers.WeightRequests);
    }

    [Fact]
    public void WhatHaproxyIgnoresOnAServerWithoutChecksOrAgent_IsIgnored()
    {
        _state.State.Execute("""
            local s1 = core.backends.app.servers.s1
            s1:check_enable(); s1:check_disable(); s1:agent_enable(); s1:agent_disable(); s1:agent_force_up(); s1:agent_force_down()
            core.backends.app:shut_bcksess()
            """);
    }

    public void Dispose() => _lua.Dispose();

    private sealed class RecordingServerStates : IServerStates
    {
        private readonly Dictionary<(string, string), ServerAdminState> _states = [];

        public List<(string, string, ServerAdminState)> Changes { get; } = [];

        public IReadOnlyList<ServerState> List() =>
            _states.Select(s => new ServerState(s.Key.Item1, s.Key.Item2, "", s.Value, "up"))
                .Concat(Addresses.Select(a => new ServerState(a.Key.Item1, a.Key.Item2, a.Value, ServerAdminState.Ready, "up")))
                .Concat(_weights.Select(w => new ServerState(w.Key.Item1, w.Key.Item2, "", ServerAdminState.Ready, "up", Weight: w.Value))).ToArray();

        private readonly Dictionary<(string, string), int> _weights = [];

        public List<string> WeightRequests { get; } = [];

        public List<(string, string)> ShutDown { get; } = [];

        public string? SetMaxConn(string backend, string server, string maxConn) => null;

        public bool ShutDownSessions(string backend, string server)
        {
            ShutDown.Add((backend, server));
            return true;
        }

        // The parsing is ServerWeightChange's, whose errors reach the script as they are.
        public string? SetWeight(string backend, string server, string weight)
        {
            WeightRequests.Add(weight);
            if (ServerWeightChange.Parse(weight, 1, out string? error) is not { } value)
            {
                return error;
            }
            _weights[(backend, server)] = value;
            return null;
        }

        public string? Set(string backend, string server, ServerAdminState state)
        {
            Changes.Add((backend, server, state));
            _states[(backend, server)] = state;
            return null;
        }

        public List<(string, string, ServerForcedHealth)> Forced { get; } = [];

        public Dictionary<(string, string), string> Addresses { get; } = [];

        public string? SetAddress(string backend, string server, string address, string? port, string updater)
        {
            Addresses[(backend, server)] = $"http://{address}:{port ?? "80"}";
            return $"IP changed from '127.0.0.1' to '{address}' by '{updater}'";
        }

        public List<(string, string, bool)> Checks { get; } = [];

        public string? SetChecks(string backend, string server, bool enabled)
        {
            Checks.Add((backend, server, enabled));
            return null;
        }

        public string? Force(string backend, string server, ServerForcedHealth health)
        {
            Forced.Add((backend, server, health));
            return null;
        }
    }
}
