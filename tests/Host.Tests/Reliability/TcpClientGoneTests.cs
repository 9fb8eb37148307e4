using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>A TCP client that leaves while the node is still reaching its server: the attempt is
/// dropped, and the server stays in rotation (found by the soak: the port probe of a script once
/// took a slow-to-accept origin out of rotation for ten seconds).</summary>
public sealed class TcpClientGoneTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-tcpgone");

    [Fact]
    public async Task ClientGoneWhileTheServerIsBeingReached_LeavesTheServerUp()
    {
        // A server whose accept queue is full: the system drops further connection attempts, so
        // the node's connect waits (up to timeout connect).
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.Listen(1);
        int serverPort = ((IPEndPoint)server.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                _ = filler.ConnectAsync(IPAddress.Loopback, serverPort);
            }
            await EventuallyAsync(() => SynSent(serverPort) > 0, "the server's accept queue is full");

            int port = DataPlane.TestBackend.FreePort(), admin = DataPlane.TestBackend.FreePort();
            string config = Path.Combine(_directory.FullName, "tcp.conf");
            File.WriteAllText(config, $$"""
                akka.remote.dot-netty.tcp.port = {{admin}}
                actorproxy.frontends.tcp { bind = "127.0.0.1:{{port}}", mode = tcp, default-backend = slow }
                actorproxy.backends.slow {
                  mode = tcp
                  timeout { connect = 10s }
                  servers { s1 = "127.0.0.1:{{serverPort}}" }
                }
                """);
            using var node = ActorProxyProcess.Start("run", "-f", config);
            await node.WaitForOutputAsync("ActorProxy running");
            int before = SynSent(serverPort);

            using (var client = new TcpClient(AddressFamily.InterNetwork))
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                await EventuallyAsync(() => SynSent(serverPort) > before, "the node is reaching the server");
            }
            await EventuallyAsync(() => SynSent(serverPort) == before, "the node dropped its attempt once the client left");

            var (code, state, errors) = await ActorProxyProcess.RunAsync("admin", "--node", $"127.0.0.1:{admin}", "show", "servers", "state");
            Assert.True(code == 0, errors);
            Assert.Contains("slow s1 ", state);
            Assert.False(state.Contains(" down", StringComparison.Ordinal), state + node.Stdout);
            await node.StopAsync();
        }
        finally
        {
            fillers.ForEach(filler => filler.Dispose());
        }
    }

    // Connection attempts to the port still waiting for the server's answer (SYN-SENT), from ss.
    private static int SynSent(int port)
    {
        using var ss = Process.Start(new ProcessStartInfo("ss", ["-H", "-t", "-n", "state", "syn-sent", $"dport = :{port}"]) { RedirectStandardOutput = true })!;
        string output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {Wait.TotalSeconds:0} s: {what}");
            }
            await Task.Delay(50);
        }
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
