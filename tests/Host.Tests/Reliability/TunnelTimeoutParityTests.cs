using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Host.Tests.DataPlane;
using ActorProxy.Host.Tests.Parity;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>
/// <c>timeout tunnel</c> is inactivity in both directions, against HAProxy 2.6: a server that
/// pushes a line every 300 ms to a client that never sends keeps the relay open past the 2 s
/// tunnel timeout on both proxies (ActorProxy cut it at the timeout: only the client's bytes counted).
/// </summary>
public sealed class TunnelTimeoutParityTests : IAsyncLifetime
{
    private const int Lines = 10;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-tunnel");
    private readonly (int Haproxy, int ActorProxy) _port = (TestBackend.FreePort(), TestBackend.FreePort());
    private readonly TcpListener _pusher = new(IPAddress.Loopback, TestBackend.FreePort());
    private readonly CancellationTokenSource _stop = new();
    private Task _pushing = Task.CompletedTask;
    private HaproxyProcess _haproxy = null!;
    private ActorProxyProcess _actorProxy = null!;

    public async Task InitializeAsync()
    {
        _pusher.Start();
        _pushing = PushAsync();
        int server = ((IPEndPoint)_pusher.LocalEndpoint).Port;
        string dir = _directory.FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "haproxy.cfg"), $$"""
            defaults
              mode tcp
              timeout connect 2s
              timeout client 1s
              timeout server 1s
            frontend relay
              bind 127.0.0.1:{{_port.Haproxy}}
              default_backend pusher
            backend pusher
              timeout tunnel 2s
              server p 127.0.0.1:{{server}}

            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "actorproxy.conf"), $$"""
            akka.remote.dot-netty.tcp.port = {{TestBackend.FreePort()}}
            actorproxy {
              global.threads = 1
              frontends.relay { bind = "127.0.0.1:{{_port.ActorProxy}}", mode = tcp, timeout.client = 1s, default-backend = pusher }
              backends.pusher { mode = tcp, timeout { server = 1s, tunnel = 2s }, servers { p = "127.0.0.1:{{server}}" } }
            }
            """);
        _actorProxy = ActorProxyProcess.Start("run", "-f", Path.Combine(dir, "actorproxy.conf"));
        await _actorProxy.WaitForOutputAsync("ActorProxy running");
        _haproxy = await HaproxyProcess.StartAsync(Path.Combine(dir, "haproxy.cfg"), _port.Haproxy);
    }

    [Fact]
    public async Task ServerPushingToASilentClient_KeepsTheTunnelOpen_AsHaproxy()
    {
        int haproxy = await LinesReceivedAsync(_port.Haproxy);
        int actorProxy = await LinesReceivedAsync(_port.ActorProxy);

        Assert.Equal(Lines, haproxy);
        Assert.Equal(haproxy, actorProxy);
    }

    // Connects, sends nothing, and counts the lines until the connection ends (within 10 s).
    private static async Task<int> LinesReceivedAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        using var received = new MemoryStream();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await client.GetStream().CopyToAsync(received, limit.Token);
        }
        catch (IOException)
        {
            // Reset after what came.
        }
        return Encoding.ASCII.GetString(received.ToArray()).Count(c => c == '\n');
    }

    // The server: to each connection, a line every 300 ms, then it closes. Each connection has a
    // thread of its own, so that a busy test run's thread pool cannot delay a line past the timeout.
    private async Task PushAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var connection = await _pusher.AcceptTcpClientAsync(_stop.Token);
                connections.Add(Task.Factory.StartNew(() =>
                {
                    using (connection)
                    {
                        for (int i = 0; i < Lines && !_stop.IsCancellationRequested; i++)
                        {
                            connection.GetStream().Write(Encoding.ASCII.GetBytes($"tick {i}\n"));
                            _stop.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(300));
                        }
                    }
                }, _stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
        {
            // Stopped, or a proxy went away.
        }
        await Task.WhenAll(connections.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    public async Task DisposeAsync()
    {
        await _haproxy.DisposeAsync();
        await _actorProxy.StopAsync();
        await _stop.CancelAsync();
        _pusher.Stop();
        await _pushing;
        _stop.Dispose();
        _directory.Delete(recursive: true);
    }
}
