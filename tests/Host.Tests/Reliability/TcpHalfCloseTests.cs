using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>A TCP client that sends its request and half-closes at once (<c>printf … | socat</c>,
/// <c>nc -N</c>) still gets the server's answer through the relay, as from HAProxy: its FIN ends
/// its direction only (found by the access log's comparison with HAProxy, where the relay had
/// dropped the attempt at the FIN).</summary>
public sealed class TcpHalfCloseTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-halfclose");

    [Fact]
    public async Task ClientThatHalfClosesAfterItsRequest_GetsTheAnswer()
    {
        // An origin that answers once the client's direction has ended.
        using var origin = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        origin.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        origin.Listen();
        var serving = ServeUntilEndOfInputAsync(origin);

        int port = DataPlane.TestBackend.FreePort();
        string config = Path.Combine(_directory.FullName, "relay.conf");
        await File.WriteAllTextAsync(config, $$"""
            akka.remote.dot-netty.tcp.port = {{DataPlane.TestBackend.FreePort()}}
            actorproxy.frontends.tcp { bind = "127.0.0.1:{{port}}", mode = tcp, default-backend = origin }
            actorproxy.backends.origin { mode = tcp, servers { s1 = "127.0.0.1:{{((IPEndPoint)origin.LocalEndPoint!).Port}}" } }
            """);
        using var node = ActorProxyProcess.Start("run", "-f", config);
        await node.WaitForOutputAsync("ActorProxy running");

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        using var stream = new NetworkStream(client);
        await stream.WriteAsync("question\n"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        using var received = new MemoryStream();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.CopyToAsync(received, limit.Token);
        Assert.Equal("answer to question\n", Encoding.ASCII.GetString(received.ToArray()));
        await serving;
        await node.StopAsync();
    }

    private static async Task ServeUntilEndOfInputAsync(Socket listener)
    {
        using var peer = await listener.AcceptAsync();
        using var stream = new NetworkStream(peer);
        using var question = new MemoryStream();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.CopyToAsync(question, limit.Token);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("answer to " + Encoding.ASCII.GetString(question.ToArray())));
        peer.Shutdown(SocketShutdown.Send);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
