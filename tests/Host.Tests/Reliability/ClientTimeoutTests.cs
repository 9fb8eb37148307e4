using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>Issue #12, point 1: a frontend's timeouts as HAProxy has them. Each test waits for the
/// event (the node closing the connection), bounded; the timeouts are short so the waits are.</summary>
public sealed class ClientTimeoutTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-timeouts");
    private readonly int _web = DataPlane.TestBackend.FreePort();
    private readonly int _quiet = DataPlane.TestBackend.FreePort();
    private readonly int _tcp = DataPlane.TestBackend.FreePort();
    private DataPlane.TestBackend _origin = null!;
    private ActorProxyProcess _node = null!;

    public async Task InitializeAsync()
    {
        _origin = await DataPlane.TestBackend.StartAsync("origin");
        string config = Path.Combine(_directory.FullName, "timeouts.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp.port = {{DataPlane.TestBackend.FreePort()}}
            actorproxy {
              frontends.web {
                bind = "127.0.0.1:{{_web}}"
                timeout { client = 600ms, http-request = 400ms, http-keep-alive = 300ms }
                default-backend = origin
              }
              frontends.quiet {
                bind = "127.0.0.1:{{_quiet}}"
                default-backend = origin
              }
              frontends.tcp {
                bind = "127.0.0.1:{{_tcp}}"
                mode = tcp
                timeout { client = 30s }
                default-backend = origin_tcp
              }
              backends.origin { servers { o = "127.0.0.1:{{_origin.Port}}" } }
              backends.origin_tcp {
                mode = tcp
                timeout { tunnel = 500ms }
                servers { o = "127.0.0.1:{{_origin.Port}}" }
              }
            }
            """);
        _node = ActorProxyProcess.Start("run", "-f", config);
        await _node.WaitForOutputAsync("ActorProxy running");
    }

    [Fact]
    public async Task KeepAlive_IdleAfterAResponse_IsClosedSilently()
    {
        using var client = await ConnectAsync(_web);
        await client.GetStream().WriteAsync("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        string received = await ReadToEndAsync(client);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", received);
        Assert.Single(received.Split("HTTP/1.1 "), part => part.Length > 0);
    }

    [Fact]
    public async Task ClientSilentInTheMiddleOfItsBody_IsClosedAtTimeoutClient()
    {
        using var client = await ConnectAsync(_web);
        await client.GetStream().WriteAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab"u8.ToArray());

        await ReadToEndAsync(client);

        Assert.False(_node.HasExited);
    }

    [Fact]
    public async Task FrontendWithoutTimeouts_KeepsAnIdleConnection_AsHaproxyDoes()
    {
        using var quiet = await ConnectAsync(_quiet);
        using var timed = await ConnectAsync(_web);

        // The timed frontend's idle connection gets its 408; by then the other is still open.
        Assert.StartsWith("HTTP/1.1 408 Request Time-out\r\n", await ReadToEndAsync(timed));
        await quiet.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await ReadToEndAsync(quiet));
    }

    [Fact]
    public async Task TcpRelay_IdleLongerThanTimeoutTunnel_IsClosed()
    {
        using var client = await ConnectAsync(_tcp);
        await client.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        // The origin answers and keeps the connection; then nothing moves either way.
        string received = await ReadToEndAsync(client);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", received);
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    // Everything the node sends until it closes the connection, which must happen within the bound.
    private static async Task<string> ReadToEndAsync(TcpClient client)
    {
        using var received = new MemoryStream();
        using var limit = new CancellationTokenSource(Bound);
        try
        {
            await client.GetStream().CopyToAsync(received, limit.Token);
        }
        catch (IOException)
        {
            // Reset after the end of what was sent.
        }
        return Encoding.ASCII.GetString(received.ToArray());
    }

    public async Task DisposeAsync()
    {
        await _node.StopAsync();
        await _origin.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
