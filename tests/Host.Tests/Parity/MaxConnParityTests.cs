using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 1: a server's <c>maxconn</c> and the backend's queue, as HAProxy 2.6
/// carries them out — <c>maxconn N</c> on a server line, requests beyond it waiting in the
/// backend's queue in arrival order, HAProxy's 503 and <c>sQ</c> once <c>timeout queue</c> is
/// over, <c>%bq</c>, <c>show stat</c>'s queue fields, <c>set maxconn server</c> and Lua's
/// <c>set_maxconn</c>/<c>get_maxconn</c> — sent alike to both proxies. The server answers a
/// <c>/hold</c> request only when the test lets it, so no step waits on a clock but the queue's
/// own timeout.</summary>
public sealed class MaxConnParityTests : IAsyncLifetime
{
    private const string Script = """
        core.register_service("limit", "http", function(applet)
          local sv = core.backends.app.servers.s1
          local body = tostring(sv:set_maxconn(applet.qs)) .. " maxconn=" .. sv:get_maxconn() .. "\n"
          applet:set_status(200)
          applet:add_header("content-length", tostring(#body))
          applet:start_response()
          applet:send(body)
        end)
        """;

    private const string Format = "%r bq=%bq ts=%ts ST=%ST s=%s";

    private readonly RuntimeCommandPair _pair = new();
    private readonly SemaphoreSlim _held = new(0);
    private readonly UdpClient _haproxyLog = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly UdpClient _actorProxyLog = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly int _haproxyRaw = TestBackend.FreePort();
    private readonly int _actorProxyRaw = TestBackend.FreePort();
    private TcpTestServer _server = null!;
    private TcpTestServer _echo = null!;

    public async Task InitializeAsync()
    {
        // Answers each request once its head is in; a /hold request once the test releases one.
        _server = new TcpTestServer(async (stream, cancel) =>
        {
            string head = await TcpTestServer.ReadHeadAsync(stream, cancel);
            string path = head.Split(' ')[1];
            if (path.StartsWith("/hold", StringComparison.Ordinal))
            {
                await _held.WaitAsync(cancel);
            }
            string body = "ok " + path;
            await stream.WriteAsync(Encoding.Latin1.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), cancel);
        });
        _echo = TcpTestServer.Echo();
        string script = Path.Combine(_pair.Directory.FullName, "limit.lua");
        File.WriteAllText(script, Script);
        int haproxyLog = ((IPEndPoint)_haproxyLog.Client.LocalEndPoint!).Port, actorProxyLog = ((IPEndPoint)_actorProxyLog.Client.LocalEndPoint!).Port;
        await _pair.StartAsync($"""
            global
              {_pair.HaproxyStatsSocket}
              lua-load {script}
            defaults
              mode http
              timeout connect 2s
              timeout client 20s
              timeout server 20s
              timeout queue 500ms
            frontend web
              bind 127.0.0.1:{_pair.HaproxyPort}
              log 127.0.0.1:{haproxyLog} format raw local0
              log-format "{Format}"
              http-request use-service lua.limit if {LuaPath}
              default_backend app
            backend app
              server s1 127.0.0.1:{_server.Port} maxconn 1
            frontend raw
              mode tcp
              bind 127.0.0.1:{_haproxyRaw}
              default_backend db
            backend db
              mode tcp
              server d1 127.0.0.1:{_echo.Port} maxconn 1

            """, $$"""
              frontends.web {
                bind = "127.0.0.1:{{_pair.ActorProxyPort}}"
                log = [ "127.0.0.1:{{actorProxyLog}} format raw local0" ]
                log-format = "{{Format}}"
                http-request = [ "use-service lua.limit if {{LuaPath}}" ]
                default-backend = app
                timeout.client = 20s
              }
              backends.app { servers { s1 = "127.0.0.1:{{_server.Port}} maxconn 1" }, timeout { server = 20s, queue = 500ms } }
              frontends.raw { mode = tcp, bind = "127.0.0.1:{{_actorProxyRaw}}", default-backend = db, timeout.client = 20s }
              backends.db { mode = tcp, servers { d1 = "127.0.0.1:{{_echo.Port}} maxconn 1" }, timeout { server = 20s, queue = 500ms } }
            """, $", lua-load = [ \"{script}\" ]", _haproxyRaw);
    }

    private const string LuaPath = "{ path /limit }";

    private static readonly string[] QueueFields = ["qcur", "qmax", "scur", "smax", "slim", "econ", "stot"];

    [Fact]
    public async Task RequestsBeyondMaxconn_WaitInTheQueue_InOrder_OrGetHaproxys503()
    {
        var lines = new List<string>();
        foreach (bool haproxy in new[] { true, false })
        {
            var log = haproxy ? _haproxyLog : _actorProxyLog;
            var held = GetAsync("/hold-a", haproxy);
            await QueuedAsync(haproxy, 0, served: 1);
            var second = GetAsync("/b", haproxy);
            await QueuedAsync(haproxy, 1);
            var third = GetAsync("/c", haproxy);
            await QueuedAsync(haproxy, 2);
            _held.Release();
            Assert.Equal(["200 ok /hold-a", "200 ok /b", "200 ok /c"], await Task.WhenAll(held, second, third));
            // One held past the queue's timeout: the next gets HAProxy's 503.
            var last = GetAsync("/hold-d", haproxy);
            await QueuedAsync(haproxy, 0, served: 1);
            Assert.StartsWith("503 ", await GetAsync("/e", haproxy));
            _held.Release();
            Assert.Equal("200 ok /hold-d", await last);
            lines.Add(string.Join('\n', (await ReadLinesAsync(log, 5)).Order(StringComparer.Ordinal)));
            lines.Add(await QueueColumnsAsync(haproxy));
        }
        Assert.Equal(lines[0], lines[2]);
        Assert.Equal(lines[1], lines[3]);
        Assert.Contains("GET /c HTTP/1.1 bq=2 ts=-- ST=200 s=s1", lines[0]);
        Assert.Contains("GET /e HTTP/1.1 bq=1 ts=sQ ST=503 s=<NOSRV>", lines[0]);
    }

    [Fact]
    public async Task AMaxconnSetAtRuntime_AnswersAsHaproxys_AndServesThoseWaiting()
    {
        foreach (string request in new[] { "x", "3x", "", "2" })
        {
            Assert.Equal(await GetAsync($"/limit?{request}", haproxy: true), await GetAsync($"/limit?{request}", haproxy: false));
        }
        foreach (string command in new[] { "set maxconn server app/s1", "set maxconn server app/s1 abc", "set maxconn server app/zz 3", "set maxconn server app", "set maxconn server app/s1 1" })
        {
            Assert.Equal(await _pair.AskAsync(command, haproxy: true), await _pair.AskAsync(command, haproxy: false));
        }
        foreach (bool haproxy in new[] { true, false })
        {
            var held = GetAsync("/hold-a", haproxy);
            await QueuedAsync(haproxy, 0, served: 1);
            var waiting = GetAsync("/hold-b", haproxy);
            await QueuedAsync(haproxy, 1);
            // A second slot: the one waiting is served at once.
            Assert.Equal("\n", await _pair.AskAsync("set maxconn server app/s1 2", haproxy));
            await QueuedAsync(haproxy, 0, served: 2);
            _held.Release(2);
            Assert.Equal(["200 ok /hold-a", "200 ok /hold-b"], await Task.WhenAll(held, waiting));
            Assert.Equal("\n", await _pair.AskAsync("set maxconn server app/s1 1", haproxy));
        }
    }

    [Fact]
    public async Task ATcpConnectionBeyondMaxconn_WaitsForTheSlot_OrIsClosed()
    {
        string? expected = null;
        foreach (bool haproxy in new[] { true, false })
        {
            int port = haproxy ? _haproxyRaw : _actorProxyRaw;
            var first = await ConnectAsync(port);
            Assert.Equal("one", await EchoAsync(first, "one"));
            var second = await ConnectAsync(port);
            var echoed = EchoAsync(second, "two");
            await QueuedAsync(haproxy, 1, "db");
            first.Dispose();
            Assert.Equal("two", await echoed);
            // The slot is the second's: a third waits past the queue's timeout, and is closed.
            using (var third = await ConnectAsync(port))
            {
                Assert.Equal("", await EchoAsync(third, "three"));
            }
            second.Dispose();
            // Compared once every connection is over (ActorProxy counts a TCP session as it ends).
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            string columns;
            while ((columns = await QueueColumnsAsync(haproxy, "db", "d1")) != (expected ?? columns) || columns.Contains("d1.scur=1", StringComparison.Ordinal))
            {
                Assert.False(limit.IsCancellationRequested, $"{columns}\nnever became\n{expected}");
                await Task.Yield();
            }
            expected ??= columns;
        }
        Assert.Contains("BACKEND.qmax=1", expected);
        Assert.Contains("BACKEND.econ=1", expected);
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    // Sends the text and reads its echo, or "" when the connection ends first.
    private static async Task<string> EchoAsync(TcpClient client, string text)
    {
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(text));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[text.Length];
        try
        {
            int read = await stream.ReadAtLeastAsync(buffer, text.Length, throwOnEndOfStream: false, limit.Token);
            return Encoding.Latin1.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private Task<string> GetAsync(string path, bool haproxy) => _pair.GetAsync(path, haproxy);

    // Until show stat says the backend's queue holds that many (and the server serves that many), bounded.
    private async Task QueuedAsync(bool haproxy, int queued, int? served = null) => await QueuedAsync(haproxy, queued, "app", served);

    private async Task QueuedAsync(bool haproxy, int queued, string backend, int? served = null)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var fields = await _pair.StatAsync(haproxy, backend);
            if (fields[("BACKEND", "qcur")] == queued.ToString(System.Globalization.CultureInfo.InvariantCulture)
                && (served is null || fields[("s1", "scur")] == served.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                return;
            }
            Assert.False(limit.IsCancellationRequested, $"the queue never held {queued}");
            await Task.Yield();
        }
    }

    private async Task<string> QueueColumnsAsync(bool haproxy, string backend = "app", string server = "s1")
    {
        var fields = await _pair.StatAsync(haproxy, backend);
        // A backend's slim is its fullconn, from each proxy's own connection limits: not compared.
        return string.Join(' ', new[] { server, "BACKEND" }.SelectMany(line => QueueFields.Where(field => line == server || field != "slim")
            .Select(field => $"{line}.{field}={fields[(line, field)]}")));
    }

    private static async Task<string[]> ReadLinesAsync(UdpClient log, int count)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        while (lines.Count < count)
        {
            var datagram = await log.ReceiveAsync(limit.Token);
            lines.Add(Encoding.UTF8.GetString(datagram.Buffer).TrimEnd('\n'));
        }
        return [.. lines];
    }

    public async Task DisposeAsync()
    {
        await _pair.DisposeAsync();
        _server.Dispose();
        _echo.Dispose();
        _haproxyLog.Dispose();
        _actorProxyLog.Dispose();
        _held.Dispose();
    }
}
