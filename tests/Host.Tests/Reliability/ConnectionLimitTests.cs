using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>Issue #12, point 1: maxconn and backlog as HAProxy has them. At the limit a listener
/// stops accepting; new connections wait in the system's accept queue and are served when room
/// frees; a flood past the descriptor limit does not kill the process.</summary>
public sealed class ConnectionLimitTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-limits");

    [Fact]
    public async Task FrontendMaxconn_ConnectionsBeyondIt_WaitInTheAcceptQueue_AndAreServedWhenRoomFrees()
    {
        int port = FreePort(), other = FreePort();
        string config = Write("limits.conf", $$"""
            akka.remote.dot-netty.tcp.port = {{FreePort()}}
            actorproxy.frontends {
              web { bind = "127.0.0.1:{{port}}", maxconn = 2, http-request = [ "return status 200 content-type text/plain string ok" ] }
              other { bind = "127.0.0.1:{{other}}", maxconn = 2, backlog = 7, http-request = [ "return status 200" ] }
            }
            """);
        using var node = ActorProxyProcess.Start("run", "-f", config);
        await node.WaitForOutputAsync("ActorProxy running");

        // listen() got the frontend's maxconn, or its backlog.
        Assert.Equal(2, ListenQueue.Of(port).Backlog);
        Assert.Equal(7, ListenQueue.Of(other).Backlog);

        using var first = await ConnectAsync(port);
        using var second = await ConnectAsync(port);
        await EventuallyAsync(() => ListenQueue.Of(port).Waiting == 0, "both connections accepted");
        using var third = await ConnectAsync(port);
        await third.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        await EventuallyAsync(() => ListenQueue.Of(port).Waiting == 1, "the third connection waits in the accept queue");
        var answer = ReadSomeAsync(third);
        Assert.False(answer.IsCompleted);

        first.Dispose();

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await answer.WaitAsync(Wait));
        await node.StopAsync();
    }

    [Fact]
    public async Task ConnectionFlood_PastTheDescriptorLimit_LeavesTheNodeServing()
    {
        const int FileLimit = 512;
        int port = FreePort(), admin = FreePort();
        string config = Write("flood.conf", $$"""
            akka.remote.dot-netty.tcp.port = {{admin}}
            actorproxy.frontends.web { bind = "127.0.0.1:{{port}}", http-request = [ "return status 200 content-type text/plain string ok" ] }
            """);
        using var node = ActorProxyProcess.StartWithFileLimit(FileLimit, "run", "-f", config);
        await node.WaitForOutputAsync("ActorProxy running");
        string info = await InfoAsync(admin);
        Assert.Equal($"{FileLimit}", Field(info, "Ulimit-n"));
        int maxconn = int.Parse(Field(info, "Maxconn"), System.Globalization.CultureInfo.InvariantCulture);
        // Derived as HAProxy derives it: two descriptors per connection, minus what the process holds.
        Assert.InRange(maxconn, 100, FileLimit / 2 - 20);

        var clients = new List<Socket>();
        try
        {
            // 1.5 times the descriptor limit; those past the accept queue never connect.
            await Task.WhenAll(Enumerable.Range(0, FileLimit * 3 / 2).Select(async _ =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                lock (clients)
                {
                    clients.Add(socket);
                }
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }));
            await EventuallyAsync(async () => Field(await InfoAsync(admin), "CurrConns") == $"{maxconn}", $"the node holds maxconn ({maxconn}) connections");
            Assert.False(node.HasExited, node.Stderr);
        }
        finally
        {
            clients.ForEach(socket => socket.Dispose());
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await EventuallyAsync(async () =>
        {
            try
            {
                return await http.GetStringAsync($"http://127.0.0.1:{port}/") == "ok";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, "a normal request is served once the flood is gone");
        Assert.False(node.HasExited, node.Stderr);
        await node.StopAsync();
    }

    private static async Task<string> InfoAsync(int admin)
    {
        var (code, info, errors) = await ActorProxyProcess.RunAsync("admin", "--node", $"127.0.0.1:{admin}", "show", "info");
        Assert.True(code == 0, errors);
        return info;
    }

    private static string Field(string info, string name) =>
        info.Split('\n').Single(line => line.StartsWith(name + ": ", StringComparison.Ordinal))[(name.Length + 2)..];

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    private static async Task<string> ReadSomeAsync(TcpClient client)
    {
        byte[] buffer = new byte[256];
        int read = await client.GetStream().ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    private static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);

    // A bounded wait for an event this test can only poll for (the kernel's queues, the node's count).
    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {Wait.TotalSeconds:0} s: {what}");
            }
            await Task.Delay(50);
        }
    }

    private static int FreePort() => DataPlane.TestBackend.FreePort();

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
