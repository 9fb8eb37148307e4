using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Actors.Fd;
using ActorProxy.Actors.Node;
using ActorProxy.Host.DataPlane;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Rules;
using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Host.Tests.DataPlane;

public sealed class ConnectionTrackerTests : IAsyncLifetime
{
    private readonly int _port = TestBackend.FreePort();
    private ProxyNode _node = null!;
    private Microsoft.AspNetCore.Builder.WebApplication _listeners = null!;

    [Fact]
    public void WorkerOf_AConnectionTheTrackerDidNotSee_FailsLoudly()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => ConnectionTracker.WorkerOf(new Dictionary<object, object?>()));

        Assert.Contains("did not pass through ConnectionTracker", failure.Message);
    }

    [Fact]
    public async Task OpenConnection_IsInTheFdTable_WithItsWorkersGroup_UntilItCloses()
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, _port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        var buffer = new byte[1024];
        int read = await stream.ReadAsync(buffer);
        string peer = client.Client.LocalEndPoint!.ToString()!;

        var open = await TableAsync();
        var entry = Assert.Single(open, e => e.Owner.Peer == peer);
        client.Close();

        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(buffer, 0, read));
        Assert.Equal(new FdOwner("frontend", "web", peer), entry.Owner);
        Assert.Equal(1, entry.Tgid);
        Assert.NotEqual(0UL, entry.ThreadMask);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await TableAsync()).Any(e => e.Owner.Peer == peer))
        {
            Assert.True(DateTime.UtcNow < deadline, "the closed connection stayed in the fd table");
            await Task.Delay(50);
        }
    }

    public async Task InitializeAsync()
    {
        var config = new ProxyConfig("test.conf", new GlobalSettings { Threads = 2 })
        {
            Frontends =
            [
                new FrontendSettings
                {
                    Name = "web",
                    Bind = new IPEndPoint(IPAddress.Loopback, _port),
                    HttpRequest = [HttpRuleParser.ParseRequest("return status 200 content-type text/plain string ok")],
                },
            ],
        };
        var system = ActorSystem.Create("tracker", ProxyNode.DefaultAkkaConfig);
        _node = await ProxyNode.StartAsync(system, config, NullLoggerFactory.Instance);
        _listeners = await ProxyWebHost.StartAsync(_node, NullLoggerFactory.Instance, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _listeners.DisposeAsync();
        await _node.StopAsync();
    }

    private async Task<IReadOnlyList<FdInfo>> TableAsync() =>
        (await _node.FdSupervisor.Ask<FdTableSnapshot>(GetFdTable.Instance, TimeSpan.FromSeconds(5))).Entries;
}
