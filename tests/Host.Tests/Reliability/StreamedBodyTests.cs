using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>Issue #12, point 1: no body limit by default; a body streams through the plain proxy,
/// as through HAProxy, without the node holding it.</summary>
public sealed class StreamedBodyTests : IDisposable
{
    private const long BodySize = 200L << 20;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-body");

    [Fact]
    public async Task TwoHundredMegabyteUpload_StreamsThroughWithFlatMemory()
    {
        using var origin = new CountingOrigin();
        int port = DataPlane.TestBackend.FreePort();
        string config = Path.Combine(_directory.FullName, "body.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp.port = {{DataPlane.TestBackend.FreePort()}}
            actorproxy.frontends.web { bind = "127.0.0.1:{{port}}", default-backend = origin }
            actorproxy.backends.origin { servers { o = "127.0.0.1:{{origin.Port}}" } }
            """);
        using var node = ActorProxyProcess.Start("run", "-f", config);
        await node.WaitForOutputAsync("ActorProxy running");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        // Warm: the first request's one-time allocations are not the body's.
        await http.PostAsync($"http://127.0.0.1:{port}/", new ByteArrayContent(new byte[1024]));
        long before = NodeMemory.PeakResidentKb(node.Id);

        using var response = await http.PostAsync($"http://127.0.0.1:{port}/", new ZeroContent(BodySize));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"got {BodySize}", await response.Content.ReadAsStringAsync());
        long grown = NodeMemory.PeakResidentKb(node.Id) - before;
        Assert.True(grown < 64 * 1024, $"peak resident memory grew by {grown} kB for a {BodySize >> 20} MB body");
        await node.StopAsync();
    }

    public void Dispose() => _directory.Delete(recursive: true);

    // An origin that reads a request's body to its end and answers with how many bytes came.
    private sealed class CountingOrigin : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public CountingOrigin()
        {
            _listener.Start();
            _ = ServeAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _ = AnswerAsync(client);
            }
        }

        private static async Task AnswerAsync(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                byte[] buffer = new byte[64 * 1024];
                var head = new StringBuilder();
                int read, end;
                long body = 0;
                while ((end = head.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
                {
                    read = await stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        return;
                    }
                    head.Append(Encoding.Latin1.GetString(buffer, 0, read));
                }
                string text = head.ToString();
                long length = long.Parse(text.Split("\r\n").Single(l => l.StartsWith("content-length:", StringComparison.OrdinalIgnoreCase))[15..].Trim(), CultureInfo.InvariantCulture);
                body = text.Length - end - 4;
                while (body < length && (read = await stream.ReadAsync(buffer)) > 0)
                {
                    body += read;
                }
                string answer = $"got {body}";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {answer.Length}\r\nConnection: close\r\n\r\n{answer}"));
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
