using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 1: a frontend paused, resumed and stopped, by Lua's
/// <c>Proxy.pause</c>, <c>resume</c> and <c>stop</c> and by the stats socket's <c>disable
/// frontend</c>, <c>enable frontend</c> and <c>shutdown frontend</c>, alike on HAProxy 2.6 and
/// ActorProxy: new connections are refused while it is paused and once it is stopped, a
/// connection open before goes on, <c>show stat</c> says so, and the commands answer as HAProxy's.</summary>
public sealed class FrontendSwitchParityTests : IAsyncLifetime
{
    private const string Script = """
        core.register_service("ctl", "http", function(applet)
          local px = core.frontends.other
          local answer = { pause = px.pause, resume = px.resume, stop = px.stop }
          -- Neither returns anything: select counts what they return.
          local body = "done " .. applet.qs .. " " .. select("#", answer[applet.qs](px)) .. " " .. select("#", core.backends.app:stop()) .. "\n"
          applet:set_status(200)
          applet:add_header("content-length", tostring(#body))
          applet:start_response()
          applet:send(body)
        end)
        """;

    private const string Other = "return status 200 content-type text/plain string other";

    private readonly RuntimeCommandPair _pair = new();
    private readonly int _haproxyOther = TestBackend.FreePort();
    private readonly int _actorProxyOther = TestBackend.FreePort();

    public async Task InitializeAsync()
    {
        string script = Path.Combine(_pair.Directory.FullName, "ctl.lua");
        File.WriteAllText(script, Script);
        await _pair.StartAsync($"""
            {_pair.HaproxyHead(script)}
            frontend ctl
              bind 127.0.0.1:{_pair.HaproxyPort}
              http-request use-service lua.ctl
            frontend other
              bind 127.0.0.1:{_haproxyOther}
              http-request {Other}
            backend app
              server s1 127.0.0.1:{_haproxyOther}

            """, $$"""
              frontends.ctl { bind = "127.0.0.1:{{_pair.ActorProxyPort}}", http-request = [ "use-service lua.ctl" ] }
              frontends.other { bind = "127.0.0.1:{{_actorProxyOther}}", http-request = [ "{{Other}}" ] }
              backends.app { servers { s1 = "127.0.0.1:{{_actorProxyOther}}" } }
            """, $", lua-load = [ \"{script}\" ]", _haproxyOther);
    }

    [Fact]
    public async Task APausedFrontend_RefusesNewConnections_KeepsOpenOnes_AndResumes()
    {
        foreach (bool haproxy in new[] { true, false })
        {
            using var open = await KeptConnectionAsync(haproxy);
            Assert.Equal("200 done pause 0 0\n", await _pair.GetAsync("/?pause", haproxy));
            Assert.Equal("refused", await OtherAsync(haproxy));
            Assert.Equal("other", await open.AskAsync());
            Assert.Equal("PAUSED", await StatusAsync(haproxy));
        }
        await _pair.SameAnswersAsync("disable frontend other", "enable frontend nope", "enable frontend", "disable frontend app", "enable frontend other");
        foreach (bool haproxy in new[] { true, false })
        {
            Assert.Equal("other", await OtherAsync(haproxy));
            Assert.Equal("OPEN", await StatusAsync(haproxy));
        }
        await _pair.SameAnswersAsync("enable frontend other", "disable frontend other");
        foreach (bool haproxy in new[] { true, false })
        {
            Assert.Equal("refused", await OtherAsync(haproxy));
            Assert.Equal("200 done resume 0 0\n", await _pair.GetAsync("/?resume", haproxy));
            Assert.Equal("other", await OtherAsync(haproxy));
        }
    }

    [Fact]
    public async Task AStoppedFrontend_AcceptsNothingMore_EvenResumed()
    {
        foreach (bool haproxy in new[] { true, false })
        {
            using var open = await KeptConnectionAsync(haproxy);
            Assert.Equal("200 done stop 0 0\n", await _pair.GetAsync("/?stop", haproxy));
            Assert.Equal("refused", await OtherAsync(haproxy));
            Assert.Equal("other", await open.AskAsync());
            Assert.Equal("STOP", await StatusAsync(haproxy));
            Assert.Equal("200 done resume 0 0\n", await _pair.GetAsync("/?resume", haproxy));
            Assert.Equal("refused", await OtherAsync(haproxy));
        }
        await _pair.SameAnswersAsync("enable frontend other", "disable frontend other", "shutdown frontend other", "shutdown frontend ctl2");
    }

    // One request on a new connection to the frontend "other": its body, or "refused".
    private async Task<string> OtherAsync(bool haproxy)
    {
        try
        {
            using var connection = await KeptConnectionAsync(haproxy);
            return await connection.AskAsync();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return "refused";
        }
    }

    private async Task<KeptConnection> KeptConnectionAsync(bool haproxy)
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, haproxy ? _haproxyOther : _actorProxyOther);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        return new KeptConnection(client);
    }

    private async Task<string> StatusAsync(bool haproxy) => (await _pair.StatAsync(haproxy, "other"))[("FRONTEND", "status")];

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    // A keep-alive connection that asks one request at a time and reads its answer's body.
    private sealed class KeptConnection(TcpClient client) : IDisposable
    {
        private readonly NetworkStream _stream = client.GetStream();

        public async Task<string> AskAsync()
        {
            await _stream.WriteAsync("GET / HTTP/1.1\r\nHost: h\r\n\r\n"u8.ToArray());
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var received = new StringBuilder();
            var buffer = new byte[4096];
            while (true)
            {
                int read = await _stream.ReadAsync(buffer, limit.Token);
                if (read == 0)
                {
                    throw new IOException($"closed after: {received}");
                }
                received.Append(Encoding.Latin1.GetString(buffer, 0, read));
                string text = received.ToString();
                int head = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (head >= 0 && System.Text.RegularExpressions.Regex.Match(text, @"(?i)content-length: *(\d+)") is { Success: true } length
                    && text.Length >= head + 4 + int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
                {
                    return text[(head + 4)..];
                }
            }
        }

        public void Dispose() => client.Dispose();
    }
}
