using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Actors.Admin;
using ActorProxy.Host.StatsSocket;
using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ActorProxy.Host.Tests.StatsSocket;

/// <summary>Bad input on the stats socket, on a fake clock: a silent client is disconnected at
/// HAProxy's stats timeout, a line past HAProxy's buffer is refused without being read whole.</summary>
public sealed class StatsSocketSessionTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly FakeTimeProvider _time = new();

    public StatsSocketSessionTests() => _listener.Start();

    [Fact]
    public async Task SilentClient_IsDisconnected_AtTheStatsTimeout()
    {
        var (client, session) = await ConnectAsync();
        using (client)
        {
            var stream = client.GetStream();
            var ended = stream.ReadAsync(new byte[16]).AsTask();

            _time.Advance(StatsSocketSession.IdleTimeout - TimeSpan.FromMilliseconds(1));
            Assert.False(session.IsCompleted);
            _time.Advance(TimeSpan.FromMilliseconds(1));

            await session.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, await ended.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task LineLongerThanTheBuffer_IsRefused_AndTheConnectionClosed()
    {
        var (client, session) = await ConnectAsync();
        using (client)
        {
            var stream = client.GetStream();
            // No newline: the session must answer before the line ends.
            await stream.WriteAsync(Encoding.ASCII.GetBytes(new string('a', 40_000)));

            using var received = new MemoryStream();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await stream.CopyToAsync(received, limit.Token);

            Assert.Equal("Command line too long.\n\n", Encoding.ASCII.GetString(received.ToArray()));
            await session.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    // A client connected to a session served on the fake clock; the session's admin is nobody
    // (these tests send no command that reaches it).
    private async Task<(TcpClient Client, Task Session)> ConnectAsync()
    {
        var client = new TcpClient();
        var accepted = _listener.AcceptSocketAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port);
        var session = new StatsSocketSession(await accepted, ActorRefs.Nobody, AdminLevel.Operator, NullLogger.Instance, _time).RunAsync(CancellationToken.None);
        return (client, session);
    }

    public void Dispose() => _listener.Stop();
}
