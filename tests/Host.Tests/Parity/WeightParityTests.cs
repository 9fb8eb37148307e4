using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 1: servers' weights as HAProxy 2.6 carries them out — <c>weight N</c>
/// on a server line, <c>balance roundrobin</c>'s order (lb_fwrr.c), <c>set server B/S weight</c>,
/// <c>set weight</c>, <c>get weight</c>, Lua's <c>set_weight</c>, <c>get_weight</c> and
/// <c>is_draining</c>, and the weight columns of <c>show stat</c> — sent alike to both proxies.</summary>
public sealed class WeightParityTests : IAsyncLifetime
{
    private const string Script = """
        core.register_service("weigh", "http", function(applet)
          local sv = core.backends.app.servers.s3
          local answer = tostring(sv:set_weight(applet.qs))
          local body = string.format("%s weight=%s draining=%s\n", answer, sv:get_weight(), sv:is_draining())
          applet:set_status(200)
          applet:add_header("content-length", tostring(#body))
          applet:start_response()
          applet:send(body)
        end)
        """;

    private static readonly (string Name, int Weight)[] Servers = [("s1", 3), ("s2", 1), ("s3", 2), ("s4", 5)];

    private static readonly string[] WeightColumns = ["pxname", "svname", "status", "weight", "act", "uweight"];

    private const string PathIsWeigh = "{ path /weigh }";

    private readonly RuntimeCommandPair _pair = new();
    private readonly List<TestBackend> _backends = [];
    private readonly int _haproxyTcpPort = TestBackend.FreePort();
    private readonly int _actorProxyTcpPort = TestBackend.FreePort();

    public async Task InitializeAsync()
    {
        foreach (var (name, _) in Servers)
        {
            _backends.Add(await TestBackend.StartAsync(name));
        }
        string script = Path.Combine(_pair.Directory.FullName, "weigh.lua");
        File.WriteAllText(script, Script);
        string servers = string.Concat(Servers.Select((s, i) => $"  server {s.Name} 127.0.0.1:{_backends[i].Port} weight {s.Weight}\n"));
        await _pair.StartAsync($"""
            {_pair.HaproxyHead(script)}
            frontend web
              bind 127.0.0.1:{_pair.HaproxyPort}
              http-request use-service lua.weigh if {PathIsWeigh}
              default_backend app
            backend app
              balance roundrobin
            {servers}
            frontend raw
              mode tcp
              bind 127.0.0.1:{_haproxyTcpPort}
              default_backend db
            backend db
              mode tcp
              server d1 127.0.0.1:{_backends[0].Port} weight 2
              server d2 127.0.0.1:{_backends[1].Port}

            """, $$"""
              frontends.web {
                bind = "127.0.0.1:{{_pair.ActorProxyPort}}"
                http-request = [ "use-service lua.weigh if { path /weigh }" ]
                default-backend = app
              }
              backends.app {
                balance = roundrobin
                servers { {{string.Join(", ", Servers.Select((s, i) => $"{s.Name} = \"127.0.0.1:{_backends[i].Port} weight {s.Weight}\""))}} }
              }
              frontends.raw { mode = tcp, bind = "127.0.0.1:{{_actorProxyTcpPort}}", default-backend = db }
              backends.db { mode = tcp, servers { d1 = "127.0.0.1:{{_backends[0].Port}} weight 2", d2 = "127.0.0.1:{{_backends[1].Port}}" } }
            """, $", lua-load = [ \"{script}\" ]", _haproxyTcpPort);
    }

    [Fact]
    public async Task WeightsAndTheirChanges_GiveHaproxysOrder()
    {
        await _pair.SameServersAsync(16);
        await _pair.SameAnswersAsync("set server app/s2 weight 4");
        await _pair.SameServersAsync(13);
        await _pair.SameAnswersAsync("set server app/s4 state maint");
        await _pair.SameServersAsync(9);
        await _pair.SameAnswersAsync("set server app/s4 state ready", "set weight app/s1 0");
        Assert.DoesNotContain("s1", await _pair.SameServersAsync(14));
        await _pair.SameAnswersAsync("set weight app/s1 50%", "get weight app/s1", "get weight app/s2");
        await _pair.SameServersAsync(14);
    }

    [Fact]
    public async Task WeightCommandsErrors_AreHaproxys()
    {
        await _pair.SameAnswersAsync(
            "set weight app/s1", "set weight app/s1 x", "set weight app/s1 %", "set weight app/s1 257", "set weight app/s1 -1",
            "set weight app/s1 3x", "set weight app/s1 3%x", "set weight app/s1 -5%", "set server app/s1 weight",
            "get weight app/zz", "get weight zz/s1", "get weight app", "get weight app/s1");
    }

    [Fact]
    public async Task ALuaScriptsWeight_ShowsInShowStat_AndInTheForwarding()
    {
        foreach (string request in new[] { "x", "300", "0", "200%", "100%" })
        {
            Assert.Equal(await _pair.GetAsync($"/weigh?{request}", haproxy: true), await _pair.GetAsync($"/weigh?{request}", haproxy: false));
        }
        Assert.Equal("200 nil weight=0 draining=1\n", await _pair.GetAsync("/weigh?0", haproxy: false));
        Assert.Equal(await WeightColumnsAsync(haproxy: true), await WeightColumnsAsync(haproxy: false));
        Assert.DoesNotContain("s3", await _pair.SameServersAsync(11));
        Assert.Equal(await _pair.GetAsync("/weigh?2", haproxy: true), await _pair.GetAsync("/weigh?2", haproxy: false));
        Assert.Equal(await WeightColumnsAsync(haproxy: true), await WeightColumnsAsync(haproxy: false));
        Assert.Contains("s3", await _pair.SameServersAsync(11));
    }

    [Fact]
    public async Task ATcpBackend_IsWeighedAsAnHttpOne()
    {
        var orders = new List<string>();
        foreach (int port in new[] { _haproxyTcpPort, _actorProxyTcpPort })
        {
            var order = new List<string>();
            for (int i = 0; i < 6; i++)
            {
                order.Add(TestBackend.Header(await Logging.AccessLogPair.SendAsync(port, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"), "x-backend") ?? "none");
            }
            orders.Add(string.Join(' ', order));
        }
        Assert.Equal(orders[0], orders[1]);
        Assert.Equal(4, orders[0].Split(' ').Count(s => s == "s1"));
    }

    // show stat's weight columns (and status, act) of the backend's lines.
    private async Task<string> WeightColumnsAsync(bool haproxy)
    {
        var stat = await _pair.StatAsync(haproxy, "app");
        return string.Join('\n', Servers.Select(s => s.Name).Append("BACKEND")
            .Select(line => string.Join(',', WeightColumns.Select(field => field switch { "pxname" => "app", "svname" => line, _ => stat[(line, field)] }))));
    }

    public async Task DisposeAsync()
    {
        await _pair.DisposeAsync();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }
}
