using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>Issue #12, point 5: the fd table stays exact while the system reuses descriptors of
/// connections that were just aborted: <c>show fd</c> lists exactly the connections that are open,
/// on descriptors the process really holds.</summary>
public sealed class FdTableTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-fds");

    [Fact]
    public async Task AbortedAndReopenedAtScale_ShowFdMatchesTheOpenConnectionsAndTheProcesssFds()
    {
        int port = DataPlane.TestBackend.FreePort(), admin = DataPlane.TestBackend.FreePort();
        string config = Path.Combine(_directory.FullName, "fds.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp.port = {{admin}}
            actorproxy.frontends.web { bind = "127.0.0.1:{{port}}", http-request = [ "return status 200 content-type text/plain string ok" ] }
            """);
        using var node = ActorProxyProcess.Start("run", "-f", config);
        await node.WaitForOutputAsync("ActorProxy running");

        // Four clients at once, each connection answered then reset, so the node aborts it and
        // the system hands its descriptor to the next accepted one at once.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 150; i++)
            {
                using var client = await RequestAsync(port);
                client.Client.LingerState = new LingerOption(true, 0);
            }
        })));
        var held = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 100; i++)
            {
                held.Add(await RequestAsync(port));
            }
            var peers = held.Select(c => c.Client.LocalEndPoint!.ToString()!).ToHashSet();

            List<(int Fd, string Peer)> entries = [];
            await EventuallyAsync(async () =>
            {
                entries = await FrontendFdsAsync(admin);
                return entries.Select(e => e.Peer).ToHashSet().SetEquals(peers) && entries.Count == peers.Count &&
                    entries.All(e => IsSocketOf(node.Id, e.Fd));
            }, () => $"show fd lists exactly the 100 open connections, on sockets the process holds; it lists {entries.Count}, " +
                $"{entries.Count(e => !peers.Contains(e.Peer))} of them not open, {peers.Count(p => entries.All(e => e.Peer != p))} open ones missing, " +
                $"{entries.Count(e => !IsSocketOf(node.Id, e.Fd))} on no socket of the process");
        }
        finally
        {
            held.ForEach(client => client.Dispose());
        }
        await EventuallyAsync(async () => (await FrontendFdsAsync(admin)).Count == 0, () => "show fd is empty once they are closed");
        Assert.DoesNotContain("entry in use", node.Stdout + node.Stderr);
        await node.StopAsync();
    }

    [Fact]
    public async Task TenThousandConnections_ShowFdListsEachOne_InPiecesUnderTheFrameLimit()
    {
        const int Connections = 10_000;
        long limit = Runtime.Config.ConnectionLimit.FileDescriptorLimit();
        Assert.True(limit > Connections + 500, $"this test holds {Connections} connections in this process and in the node: it needs ulimit -n above {Connections + 500}, not {limit}");
        int port = DataPlane.TestBackend.FreePort(), admin = DataPlane.TestBackend.FreePort();
        string config = Path.Combine(_directory.FullName, "many.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp.port = {{admin}}
            actorproxy.global { threads = 2, maxconn = {{Connections + 100}} }
            actorproxy.frontends.web { bind = "127.0.0.1:{{port}}", http-request = [ "return status 200 content-type text/plain string ok" ] }
            """);
        using var node = ActorProxyProcess.Start("run", "-f", config);
        await node.WaitForOutputAsync("ActorProxy running");
        var held = new List<TcpClient>(Connections);
        try
        {
            // Idle connections, opened 100 at a time.
            for (int i = 0; i < Connections; i += 100)
            {
                held.AddRange(await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
                {
                    var client = new TcpClient(AddressFamily.InterNetwork) { LingerState = new LingerOption(true, 0) };
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return client;
                })));
            }
            var peers = held.Select(c => c.Client.LocalEndPoint!.ToString()!).ToHashSet();

            List<(int Fd, string Peer)> entries = [];
            await EventuallyAsync(async () =>
            {
                entries = await FrontendFdsAsync(admin);
                return entries.Count == Connections && entries.Select(e => e.Peer).ToHashSet().SetEquals(peers);
            }, () => $"show fd lists the {Connections} connections; it lists {entries.Count}");

            Assert.All(entries, e => Assert.True(IsSocketOf(node.Id, e.Fd), $"fd {e.Fd} is no socket of the node"));
        }
        finally
        {
            held.ForEach(client => client.Dispose());
        }
        await node.StopAsync();
    }

    // A connection that has had one answer and stays open.
    private static async Task<TcpClient> RequestAsync(int port)
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        byte[] buffer = new byte[512];
        int read = 0;
        while (!Encoding.ASCII.GetString(buffer, 0, read).EndsWith("ok", StringComparison.Ordinal))
        {
            int more = await stream.ReadAsync(buffer.AsMemory(read));
            Assert.True(more > 0, "the node closed the connection before answering");
            read += more;
        }
        return client;
    }

    private static async Task<List<(int Fd, string Peer)>> FrontendFdsAsync(int admin)
    {
        var (code, text, errors) = await ActorProxyProcess.RunAsync("admin", "--node", $"127.0.0.1:{admin}", "show", "fd");
        Assert.True(code == 0, errors);
        // "   42 : tgid=1 refc=0 thread_mask=0x1 owner=frontend web peer=127.0.0.1:5555"
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Contains("owner=frontend web ", StringComparison.Ordinal))
            .Select(line => (int.Parse(line.Split(':')[0].Trim(), System.Globalization.CultureInfo.InvariantCulture), line[(line.IndexOf("peer=", StringComparison.Ordinal) + 5)..].Trim()))];
    }

    private static bool IsSocketOf(int pid, int fd)
    {
        var link = new FileInfo($"/proc/{pid}/fd/{fd}");
        return link.Exists && link.LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {Wait.TotalSeconds:0} s: {what()}");
            }
            await Task.Delay(100);
        }
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
