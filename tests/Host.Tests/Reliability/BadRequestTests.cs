using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>Issue #12, point 7: a bad request gets its answer and one line in the log, no stack
/// trace; a CONNECT, which ActorProxy does not forward, is refused and its connection closed.
/// (The answers themselves are compared with HAProxy's in the parity cases.)</summary>
public sealed class BadRequestTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-badreq");
    private readonly int _web = DataPlane.TestBackend.FreePort();
    private readonly int _service = DataPlane.TestBackend.FreePort();
    private DataPlane.TestBackend _origin = null!;
    private ActorProxyProcess _node = null!;

    public async Task InitializeAsync()
    {
        _origin = await DataPlane.TestBackend.StartAsync("origin");
        File.WriteAllText(Path.Combine(_directory.FullName, "svc.lua"), """
            core.register_service("echo", "http", function(applet)
              local body = applet:receive() or ""
              applet:set_status(200)
              applet:start_response()
              applet:send("got " .. #body)
            end)
            """);
        string config = Path.Combine(_directory.FullName, "bad.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp.port = {{DataPlane.TestBackend.FreePort()}}
            actorproxy {
              global.lua-load = [ "svc.lua" ]
              frontends.web { bind = "127.0.0.1:{{_web}}", default-backend = origin }
              frontends.svc { bind = "127.0.0.1:{{_service}}", http-request = [ "use-service lua.echo" ] }
              backends.origin { servers { o = "127.0.0.1:{{_origin.Port}}" } }
            }
            """);
        _node = ActorProxyProcess.Start("run", "-f", config);
        await _node.WaitForOutputAsync("ActorProxy running");
    }

    [Fact]
    public async Task Connect_IsRefusedWith501_AndItsConnectionClosed()
    {
        string answer = await SendAsync(_web, "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 501 Not Implemented\r\n", answer);
        string log = await _node.OutputOnceItHoldsAsync("CONNECT is not forwarded by ActorProxy");
        Assert.Contains($"frontend web: 501 for 127.0.0.1:", log);
    }

    [Theory]
    [InlineData(true, "frontend web: RequestBodyClient for 127.0.0.1:")]
    [InlineData(false, "frontend svc: 400 for 127.0.0.1:")]
    public async Task BrokenChunkedBody_IsOneLineInTheLog_NoStackTrace(bool proxied, string line)
    {
        string answer = await SendAsync(proxied ? _web : _service,
            "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nab\r\n0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 Bad request\r\n", answer);
        string log = await _node.OutputOnceItHoldsAsync(line);
        Assert.Single(log.Split('\n'), l => l.Contains(line, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", log);
        Assert.DoesNotContain("Exception", log);
    }

    [Theory]
    [InlineData("+5")]
    [InlineData("-0")]
    public async Task SignedContentLength_Gets400_AndOneLineNamingIt(string length)
    {
        string answer = await SendAsync(_web, $"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\nhello");

        Assert.StartsWith("HTTP/1.1 400 Bad request\r\n", answer);
        string line = $"Content-Length '{length}' is not a number";
        string log = await _node.OutputOnceItHoldsAsync(line);
        Assert.Single(log.Split('\n'), l => l.Contains(line, StringComparison.Ordinal) && l.Contains("frontend web: 400 for 127.0.0.1:", StringComparison.Ordinal));
    }

    // Sends the bytes and reads the answer until the server closes the connection (bounded).
    private static async Task<string> SendAsync(int port, string raw)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(raw));
        using var received = new MemoryStream();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.CopyToAsync(received, limit.Token);
        return Encoding.ASCII.GetString(received.ToArray());
    }

    public async Task DisposeAsync()
    {
        await _node.StopAsync();
        await _origin.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
