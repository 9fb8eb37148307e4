using System.Diagnostics;
using System.Net;

namespace ActorProxy.Host.Tests.DataPlane;

/// <summary>HAProxy 2.6 (installed by scripts/test.sh) and ActorProxy, each running the same
/// Lua file with the same rules.</summary>
public sealed class HaproxyParity : IAsyncLifetime
{
    private const string Faults = """
        core.register_action("fail", { "http-req" }, function(txn) error("action broke") end)
        core.register_action("spin", { "http-req" }, function(txn) while true do end end)
        core.register_fetches("fails", function(txn) error("fetch broke") end)
        core.register_service("broken", "http", function(applet) error("service broke") end)
        core.register_service("slow", "http", function(applet) while true do end end)
        core.register_service("ok", "http", function(applet)
          local seen = applet.headers["x-fetch"] and applet.headers["x-fetch"][0] or "(none)"
          local body = "ok x-fetch=" .. seen .. "\n"
          applet:set_status(200)
          applet:add_header("content-length", tostring(#body))
          applet:start_response()
          applet:send(body)
        end)
        """;

    private static readonly string[] Rules =
    [
        "use-service lua.broken if { path_beg /broken-service }",
        "use-service lua.slow if { path_beg /slow-service }",
        "deny if { path_beg /denied }",
        "lua.fail if { path_beg /fail-action }",
        "lua.spin if { path_beg /slow-action }",
        "set-header X-Fetch %[lua.fails] if { path_beg /fail-fetch }",
        "use-service lua.ok",
    ];

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-parity");
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly int _haproxyPort = TestBackend.FreePort();
    private readonly int _actorProxyPort = TestBackend.FreePort();
    private Process _haproxy = null!;
    private ActorProxyProcess _actorProxy = null!;

    public async Task InitializeAsync()
    {
        string lua = Path.Combine(_directory.FullName, "faults.lua");
        await File.WriteAllTextAsync(lua, Faults);
        string haproxyConfig = Path.Combine(_directory.FullName, "haproxy.cfg");
        await File.WriteAllTextAsync(haproxyConfig, $"""
            global
              lua-load {lua}
              tune.lua.session-timeout 300ms
              tune.lua.service-timeout 300ms
            defaults
              mode http
              timeout client 5s
              timeout server 5s
              timeout connect 5s
            frontend fe
              bind 127.0.0.1:{_haproxyPort}
            {string.Join('\n', Rules.Select(rule => "  http-request " + rule))}

            """);
        string actorProxyConfig = Path.Combine(_directory.FullName, "actorproxy.conf");
        await File.WriteAllTextAsync(actorProxyConfig, $$"""
            actorproxy {
              global { threads = 2, lua-load = [ "faults.lua" ], tune.lua { session-timeout = 300ms, service-timeout = 300ms } }
              frontends.fe {
                bind = "127.0.0.1:{{_actorProxyPort}}"
                http-request = [ {{string.Join(", ", Rules.Select(rule => $"\"{rule}\""))}} ]
              }
            }
            """);

        _haproxy = Process.Start(new ProcessStartInfo("haproxy", ["-db", "-f", haproxyConfig])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("haproxy did not start; scripts/test.sh installs it.");
        _actorProxy = ActorProxyProcess.Start("run", "-f", actorProxyConfig);
        await _actorProxy.WaitForOutputAsync("ActorProxy running");
        if (_haproxy.HasExited)
        {
            throw new InvalidOperationException($"haproxy exited: {await _haproxy.StandardError.ReadToEndAsync()}");
        }
        await WaitForListenerAsync(_haproxyPort);
    }

    public async Task DisposeAsync()
    {
        _haproxy.Kill();
        await _haproxy.WaitForExitAsync();
        _haproxy.Dispose();
        await _actorProxy.StopAsync();
        _client.Dispose();
        _directory.Delete(recursive: true);
    }

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(bool haproxy, string path)
    {
        int port = haproxy ? _haproxyPort : _actorProxyPort;
        using var response = await _client.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitForListenerAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new InvalidOperationException($"nothing listens on port {port}", e);
            }
        }
    }
}

/// <summary>
/// The same Lua file and the same rules in HAProxy 2.6 and in ActorProxy: each fault of a Lua
/// action, fetch or service must end the same way in both (issue #4, point 6).
/// </summary>
public sealed class HaproxyParityTests(HaproxyParity parity) : IClassFixture<HaproxyParity>
{
    [Theory]
    [InlineData("/fail-action")]
    [InlineData("/slow-action")]
    [InlineData("/fail-fetch")]
    [InlineData("/broken-service")]
    [InlineData("/slow-service")]
    [InlineData("/denied")]
    [InlineData("/fine")]
    public async Task Fault_EndsAsInHaproxy(string path)
    {
        var (haproxyStatus, haproxyBody) = await parity.GetAsync(haproxy: true, path);
        var (actorProxyStatus, actorProxyBody) = await parity.GetAsync(haproxy: false, path);

        Assert.Equal(haproxyStatus, actorProxyStatus);
        Assert.Equal(haproxyBody, actorProxyBody);
    }
}
