using System.Text.RegularExpressions;
using ActorProxy.Host.Tests.DataPlane;
using ActorProxy.Host.Tests.StatsSocket;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>HAProxy 2.6 and ActorProxy each with one frontend and a stats socket of level admin in
/// a folder of their own, for the tests that send both the same runtime commands and requests.</summary>
public sealed class RuntimeCommandPair : IAsyncDisposable
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private HaproxyProcess? _haproxy;
    private ActorProxyProcess? _actorProxy;

    /// <summary>The folder of the configurations, the sockets and the files they read.</summary>
    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("actorproxy-runtime");

    /// <summary>HAProxy's frontend's port.</summary>
    public int HaproxyPort { get; } = TestBackend.FreePort();

    /// <summary>ActorProxy's frontend's port.</summary>
    public int ActorProxyPort { get; } = TestBackend.FreePort();

    /// <summary>Starts both: <paramref name="haproxyConfig"/> whole, <paramref name="actorProxyConfig"/>
    /// inside <c>actorproxy { }</c> beside its own global section (threads, the stats socket, and
    /// <paramref name="actorProxyGlobal"/>); HAProxy is up once it listens on its frontend's port
    /// and on <paramref name="haproxyPorts"/>.</summary>
    public async Task StartAsync(string haproxyConfig, string actorProxyConfig, string actorProxyGlobal = "", params int[] haproxyPorts)
    {
        string haproxy = Path.Combine(Directory.FullName, "haproxy.cfg");
        File.WriteAllText(haproxy, haproxyConfig);
        string actorProxy = Path.Combine(Directory.FullName, "actorproxy.conf");
        File.WriteAllText(actorProxy, $$"""
            akka.remote.dot-netty.tcp.port = {{TestBackend.FreePort()}}
            actorproxy {
              global { threads = 1, stats-socket = "actorproxy.sock level admin"{{actorProxyGlobal}} }
            {{actorProxyConfig}}
            }
            """);
        _haproxy = await HaproxyProcess.StartAsync(haproxy, [HaproxyPort, .. haproxyPorts]);
        _actorProxy = ActorProxyProcess.Start("run", "-f", actorProxy);
        await _actorProxy.WaitForOutputAsync("ActorProxy running");
    }

    /// <summary>The stats socket line HAProxy's global section needs.</summary>
    public string HaproxyStatsSocket => $"stats socket {Directory.FullName}/haproxy.sock level admin";

    /// <summary>The head of an HAProxy configuration for the pair: its global section (the stats
    /// socket and, given, <c>lua-load</c> of <paramref name="luaScript"/>) and defaults of mode
    /// http with the timeouts the tests use.</summary>
    public string HaproxyHead(string? luaScript = null) =>
        $"global\n  {HaproxyStatsSocket}\n{(luaScript is null ? "" : $"  lua-load {luaScript}\n")}"
        + "defaults\n  mode http\n  timeout connect 2s\n  timeout client 5s\n  timeout server 5s";

    /// <summary>The socat address of one proxy's stats socket.</summary>
    public string Socket(bool haproxy) => $"UNIX-CONNECT:{Path.Combine(Directory.FullName, haproxy ? "haproxy.sock" : "actorproxy.sock")}";

    /// <summary>One proxy's answer to <paramref name="command"/>; an entry's reference, its address on
    /// HAProxy and a number on ActorProxy, as <c>0x…</c>.</summary>
    public async Task<string> AskAsync(string command, bool haproxy) =>
        Regex.Replace(await Socat.RunAsync(command + "\n", Socket(haproxy)), "^0x[0-9a-f]+ ", "0x… ", RegexOptions.Multiline);

    /// <summary>One proxy's answer to a GET of <paramref name="path"/> with <paramref name="headers"/>: its status and body.</summary>
    public async Task<string> GetAsync(string path, bool haproxy, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{(haproxy ? HaproxyPort : ActorProxyPort)}{path}");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        using var response = await _client.SendAsync(request);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    /// <summary>Asserts that ActorProxy's output comes to hold <paramref name="text"/> (a bounded wait).</summary>
    public async Task ActorProxyLoggedAsync(string text) => Assert.Contains(text, await _actorProxy!.OutputOnceItHoldsAsync(text));

    /// <summary>Asserts that each of <paramref name="commands"/> gets the same answer from both.</summary>
    public async Task SameAnswersAsync(params string[] commands)
    {
        foreach (string command in commands)
        {
            Assert.Equal(await AskAsync(command, haproxy: true), await AskAsync(command, haproxy: false));
        }
    }

    /// <summary>The servers that answer the next <paramref name="requests"/> GETs (their x-backend
    /// line), asserted the same, in the same order, on each proxy; that order.</summary>
    public async Task<string> SameServersAsync(int requests)
    {
        var orders = new List<string>();
        foreach (bool haproxy in new[] { true, false })
        {
            var order = new List<string>();
            for (int i = 0; i < requests; i++)
            {
                order.Add(TestBackend.Header(await GetAsync($"/r{i}", haproxy), "x-backend") ?? "none");
            }
            orders.Add(string.Join(' ', order));
        }
        Assert.Equal(orders[0], orders[1]);
        return orders[0];
    }

    /// <summary>One proxy's <c>show stat</c> of <paramref name="proxy"/>, by line (its svname) and field.</summary>
    public async Task<Dictionary<(string Line, string Field), string>> StatAsync(bool haproxy, string proxy)
    {
        string[] lines = (await Socat.RunAsync("show stat\n", Socket(haproxy))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] header = lines[0].TrimStart('#', ' ').Split(',');
        return lines.Skip(1).Select(l => l.Split(',')).Where(f => f[0] == proxy)
            .SelectMany(f => header.Select((name, i) => (Key: (f[1], name), Value: i < f.Length ? f[i] : "")))
            .ToDictionary(p => p.Key, p => p.Value);
    }

    public async ValueTask DisposeAsync()
    {
        if (_actorProxy is not null)
        {
            await _actorProxy.StopAsync();
        }
        if (_haproxy is not null)
        {
            await _haproxy.DisposeAsync();
        }
        _client.Dispose();
        Directory.Delete(recursive: true);
    }
}
