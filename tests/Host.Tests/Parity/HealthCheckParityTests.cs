using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 1: a checked server's health as HAProxy 2.6 keeps it — <c>option
/// httpchk</c> with <c>check inter 100ms rise 2 fall 3</c> against <c>health-check</c> — through
/// passed and failed checks, Lua's <c>check_force_up/_nolb/_down</c>, <c>check_disable</c> and
/// <c>check_enable</c>, <c>set server … health</c>, <c>enable|disable health</c> and maintenance.
/// Each proxy checks a server of its own whose checks the test answers one at a time; <c>show
/// stat</c>'s health columns are read while the next check is held, so both are read at the
/// same point of their checks.</summary>
public sealed class HealthCheckParityTests : IAsyncLifetime
{
    private const string Script = """
        core.register_service("force", "http", function(applet)
          local sv = core.backends.app.servers.s1
          sv[applet.qs](sv)
          applet:set_status(200)
          applet:add_header("content-length", "3")
          applet:start_response()
          applet:send("ok\n")
        end)
        """;

    private const string PathIsForce = "{ path /force }";
    private const string PathIsMetrics = "{ path /metrics }";

    private static readonly string[] HealthColumns =
        ["status", "check_status", "check_code", "check_desc", "check_rise", "check_fall", "check_health", "chkfail", "chkdown"];

    private readonly RuntimeCommandPair _pair = new();
    private readonly HeldCheckServer _haproxyServer = new("s1");
    private readonly HeldCheckServer _actorProxyServer = new("s1");
    private readonly int _closedPort = TestBackend.FreePort();
    private TestBackend? _other;

    public async Task InitializeAsync()
    {
        _other = await TestBackend.StartAsync("s2");
        string script = Path.Combine(_pair.Directory.FullName, "force.lua");
        File.WriteAllText(script, Script);
        await _pair.StartAsync($"""
            {_pair.HaproxyHead(script)}
              timeout check 20s
            frontend web
              bind 127.0.0.1:{_pair.HaproxyPort}
              http-request use-service lua.force if {PathIsForce}
              http-request use-service prometheus-exporter if {PathIsMetrics}
              default_backend app
            backend app
              option httpchk GET /health
              server s1 127.0.0.1:{_haproxyServer.Port} check inter 100ms rise 2 fall 3
              server s2 127.0.0.1:{_other.Port} check inter 100ms
            backend refusing
              option httpchk GET /health
              server r1 127.0.0.1:{_closedPort} check inter 100ms

            """, $$"""
              frontends.web {
                bind = "127.0.0.1:{{_pair.ActorProxyPort}}"
                http-request = [ "use-service lua.force if { path /force }", "use-service prometheus-exporter if { path /metrics }" ]
                default-backend = app
              }
              backends.app {
                servers { s1 = "127.0.0.1:{{_actorProxyServer.Port}}", s2 = "127.0.0.1:{{_other.Port}}" }
                health-check { path = "/health", interval = 100ms, timeout = 20s, rise = 2, fall = 3 }
              }
              backends.refusing {
                servers { r1 = "127.0.0.1:{{_closedPort}}" }
                health-check { path = "/health", interval = 100ms }
              }
            """, $", lua-load = [ \"{script}\" ]");
    }

    [Fact]
    public async Task ChecksScriptsAndCommands_MoveTheHealthAsHaproxys()
    {
        var held = await BothAsync(server => server.NextCheckAsync());
        await SameHealthAsync("first check under way");
        held = await AnswerAsync(held, 200, "passed");
        held = await AnswerAsync(held, 503, "failed once");
        held = await AnswerAsync(held, 503, "failed twice");
        held = await AnswerAsync(held, 503, "down");
        Assert.Equal("s2 s2 s2 s2", await _pair.SameServersAsync(4));
        await _pair.ActorProxyLoggedAsync("Server app/s1 is DOWN, reason: Layer7 wrong status, code: 503, check duration: ");
        Assert.Equal(await CheckMetricsAsync(haproxy: true), await CheckMetricsAsync(haproxy: false));
        Assert.Contains("haproxy_server_check_status{proxy=\"app\",server=\"s1\",state=\"L7STS\"} 1", await CheckMetricsAsync(haproxy: false));
        held = await AnswerAsync(held, 200, "rising");
        held = await AnswerAsync(held, 200, "up");
        await _pair.ActorProxyLoggedAsync("Server app/s1 is UP, reason: Layer7 check passed, code: 200, check duration: ");

        await SameAfterAsync("/force?check_force_up", "forced up");
        held = await AnswerAsync(held, 503, "failed after forced up");
        await SameAfterAsync("/force?check_force_nolb", "forced nolb");
        Assert.Equal("s2 s2 s2 s2", await _pair.SameServersAsync(4));
        held = await AnswerAsync(held, 200, "passed after nolb");
        await SameAfterAsync("/force?check_force_down", "forced down");
        await SameCommandAsync("set server app/s1 health up", "health up");
        await SameCommandAsync("set server app/s1 health stopping", "health stopping");
        await SameCommandAsync("set server app/s1 health sideways", "health refused");
        held = await AnswerAsync(held, 200, "passed after stopping");

        await SameAfterAsync("/force?check_disable", "checks disabled");
        await Task.WhenAll(held.Select(check => check.AnswerAsync(503)));
        await SameCommandAsync("enable health app/s1", "checks enabled");
        held = await BothAsync(server => server.NextCheckAsync());
        await SameHealthAsync("the check ended while disabled counted");
        await SameCommandAsync("disable health app/s1", "checks disabled by command");
        await SameAfterAsync("/force?check_enable", "checks enabled by Lua");
        held = await AnswerAsync(held, 200, "passed");

        await SameCommandAsync("set server app/s1 state maint", "maintenance");
        await Task.WhenAll(held.Select(check => check.AnswerAsync(200)));
        await SameCommandAsync("set server app/s1 state ready", "out of maintenance");
        held = await BothAsync(server => server.NextCheckAsync());
        await SameHealthAsync("first check after maintenance under way");
        held = await AnswerAsync(held, 200, "up again");
        Assert.Contains("s1", await _pair.SameServersAsync(4));
        await Task.WhenAll(held.Select(check => check.AnswerAsync(200)));
    }

    [Fact]
    public async Task HealthCommandsOnAServerWithoutChecks_AnswerAsHaproxys()
    {
        foreach (string command in new[] { "enable health app/s9", "enable health zz/s1", "disable health app", "enable health app/s1" })
        {
            Assert.Equal(await _pair.AskAsync(command, haproxy: true), await _pair.AskAsync(command, haproxy: false));
        }
    }

    [Fact]
    public async Task AServerThatRefusesItsChecks_GoesDownAsALayer4ConnectionProblem()
    {
        foreach (bool haproxy in new[] { true, false })
        {
            await Eventually.HoldsAsync(async () => (await HealthAsync(haproxy, "refusing", "r1")).StartsWith("DOWN,", StringComparison.Ordinal),
                $"refusing/r1 DOWN on {(haproxy ? "HAProxy" : "ActorProxy")}", TimeSpan.FromSeconds(10));
        }
        // Checks go on while it is down: one may be under way as it is read.
        string[] Columns(string health) => health.Replace("* ", "", StringComparison.Ordinal).Split(',')[..7];
        Assert.Equal(Columns(await HealthAsync(haproxy: true, "refusing", "r1")), Columns(await HealthAsync(haproxy: false, "refusing", "r1")));
        Assert.Equal("L4CON", Columns(await HealthAsync(haproxy: false, "refusing", "r1"))[1]);
    }

    // Answers each proxy's held check with status, waits for its next one, and compares.
    private async Task<HeldCheckServer.Check[]> AnswerAsync(HeldCheckServer.Check[] held, int status, string step)
    {
        await Task.WhenAll(held.Select(check => check.AnswerAsync(status)));
        var next = await BothAsync(server => server.NextCheckAsync());
        await SameHealthAsync(step);
        return next;
    }

    private async Task SameAfterAsync(string path, string step)
    {
        Assert.Equal(await _pair.GetAsync(path, haproxy: true), await _pair.GetAsync(path, haproxy: false));
        await SameHealthAsync(step);
    }

    private async Task SameCommandAsync(string command, string step)
    {
        Assert.Equal(await _pair.AskAsync(command, haproxy: true), await _pair.AskAsync(command, haproxy: false));
        await SameHealthAsync(step);
    }

    private async Task<HeldCheckServer.Check[]> BothAsync(Func<HeldCheckServer, Task<HeldCheckServer.Check>> next) =>
        [await next(_haproxyServer), await next(_actorProxyServer)];

    private async Task SameHealthAsync(string step)
    {
        string haproxy = await HealthAsync(haproxy: true);
        Assert.Equal($"{step}: {haproxy}", $"{step}: {await HealthAsync(haproxy: false)}");
    }

    // The exporter's check metrics of app/s1 but its times (check_duration_seconds, and
    // check_last_change_seconds, which ActorProxy does not write), with their types.
    private async Task<string> CheckMetricsAsync(bool haproxy)
    {
        var scrape = Metrics.PrometheusText.Parse((await _pair.GetAsync("/metrics", haproxy))[4..]);
        return string.Join('\n', scrape.Samples
            .Where(s => s.Key.StartsWith("haproxy_server_check_", StringComparison.Ordinal) && s.Key.Contains("server=\"s1\"", StringComparison.Ordinal)
                && !s.Key.StartsWith("haproxy_server_check_duration", StringComparison.Ordinal) && !s.Key.StartsWith("haproxy_server_check_last_change", StringComparison.Ordinal))
            .Select(s => $"{s.Key} {s.Value} {scrape.Types[s.Key[..s.Key.IndexOf('{')]]}").Order(StringComparer.Ordinal));
    }

    // show stat's health columns of a server.
    private async Task<string> HealthAsync(bool haproxy, string backend = "app", string server = "s1")
    {
        var stat = await _pair.StatAsync(haproxy, backend);
        return string.Join(',', HealthColumns.Select(field => stat[(server, field)]));
    }

    public async Task DisposeAsync()
    {
        await _pair.DisposeAsync();
        _haproxyServer.Dispose();
        _actorProxyServer.Dispose();
        if (_other is not null)
        {
            await _other.DisposeAsync();
        }
    }
}
