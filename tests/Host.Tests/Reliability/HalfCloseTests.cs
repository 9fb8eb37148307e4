using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>A client that sends its request and half-closes at once (<c>printf … | socat</c>,
/// <c>nc -N</c>) still gets its answer, as from HAProxy: its FIN ends its direction only. Found by
/// the access log's comparison with HAProxy: the TCP relay dropped the attempt at the FIN, and an
/// HTTP frontend (Kestrel, which takes a FIN for a close) aborted the request.</summary>
public sealed class HalfCloseTests : IDisposable
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

    [Fact]
    public async Task HttpClientThatHalfClosesAfterItsRequest_GetsTheAnswer()
    {
        int port = DataPlane.TestBackend.FreePort();
        string config = Path.Combine(_directory.FullName, "http.conf");
        await File.WriteAllTextAsync(config, $$"""
            akka.remote.dot-netty.tcp.port = {{DataPlane.TestBackend.FreePort()}}
            actorproxy.frontends.web { bind = "127.0.0.1:{{port}}", http-request = [ "return status 200 content-type text/plain string answered" ] }
            """);
        using var node = ActorProxyProcess.Start("run", "-f", config);
        await node.WaitForOutputAsync("ActorProxy running");

        // Several times: before, the answer was lost whenever the FIN was seen before it was sent.
        for (int i = 0; i < 10; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, port);
            using var stream = new NetworkStream(client);
            await stream.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
            client.Shutdown(SocketShutdown.Send);
            using var received = new MemoryStream();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await stream.CopyToAsync(received, limit.Token);
            string answer = Encoding.ASCII.GetString(received.ToArray());
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer);
            Assert.EndsWith("answered", answer);
        }
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
