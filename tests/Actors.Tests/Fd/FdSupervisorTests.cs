using System.Net;
using System.Net.Sockets;
using ActorProxy.Actors.Fd;
using ActorProxy.Runtime.Fd;
using ActorProxy.Runtime.Tasks;
using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Actors.Tests.Fd;

/// <summary>Runs alone: one test counts the process's open fds, which other tests change.</summary>
[CollectionDefinition(nameof(ProcessFds), DisableParallelization = true)]
public sealed class ProcessFds;

[Collection(nameof(ProcessFds))]
public class FdSupervisorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly FdOwner Client = new("frontend", "web", "127.0.0.1:5555");
    private readonly FdTable _table = new(1 << 16, new ThreadLayout(threads: 4, groups: 2));
    private readonly IActorRef _fds;

    public FdSupervisorTests()
    {
        _fds = Sys.ActorOf(FdSupervisor.Props(_table, NullLogger.Instance));
    }

    [Fact]
    public void Register_InsertsTheConnectionWithItsWorkersGroupAndBit()
    {
        _fds.Tell(new RegisterConnection(40, Client, Tgid: 2, ThreadMask: 0b10, () => { }));

        _fds.Tell(GetFdTable.Instance);

        var entry = Assert.Single(ExpectMsg<FdTableSnapshot>().Entries);
        Assert.Equal(new FdInfo(40, 2, 0, 0b10, Client), entry);
    }

    [Fact]
    public void Lease_IsGrantedInTheRightGroupOnly()
    {
        _fds.Tell(new RegisterConnection(41, Client, 1, 1, () => { }));

        _fds.Tell(new RequestLease(41, 2));
        Assert.Contains("is in thread group 1, not 2", ExpectMsg<LeaseRefused>().Reason);
        _fds.Tell(new RequestLease(99, 1));
        Assert.Contains("not an open connection", ExpectMsg<LeaseRefused>().Reason);
        _fds.Tell(new RequestLease(41, 1));
        ExpectMsg(new LeaseGranted(41, 1));

        Assert.Equal(1, _table[41].RefCount);
    }

    [Fact]
    public void ClosedConnection_StaysUntilTheLastLeaseIsReleased()
    {
        _fds.Tell(new RegisterConnection(42, Client, 1, 1, () => { }));
        _fds.Tell(new RequestLease(42, 1));
        ExpectMsg<LeaseGranted>();

        _fds.Tell(new ConnectionClosed(42));
        _fds.Tell(GetFdTable.Instance);
        Assert.Single(ExpectMsg<FdTableSnapshot>().Entries);

        _fds.Tell(new ReleaseLease(42));
        _fds.Tell(GetFdTable.Instance);
        Assert.Empty(ExpectMsg<FdTableSnapshot>().Entries);
        Assert.Equal(0u, _table[42].RefcTgid);
    }

    [Fact]
    public void HolderDeath_ReleasesItsLeases()
    {
        var holder = CreateTestProbe();
        _fds.Tell(new RegisterConnection(43, Client, 1, 1, () => { }));
        _fds.Tell(new RequestLease(43, 1), holder.Ref);
        holder.ExpectMsg<LeaseGranted>();
        _fds.Tell(new ConnectionClosed(43));

        Sys.Stop(holder.Ref);

        AwaitAssert(() => Assert.Null(_table[43].Owner), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task CloseConnection_NeedsALease_ThenClosesTheSocket()
    {
        var closed = new TaskCompletionSource();
        _fds.Tell(new RegisterConnection(44, Client, 1, 1, () => closed.TrySetResult()));

        _fds.Tell(new CloseConnection(44));
        ExpectMsg<LeaseRefused>();
        _fds.Tell(new RequestLease(44, 1));
        ExpectMsg<LeaseGranted>();
        _fds.Tell(new CloseConnection(44));

        ExpectMsg(new ConnectionClosing(44));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void FailingConnection_IsCleanedUp_AndOthersAreUntouched()
    {
        _fds.Tell(new RegisterConnection(45, Client, 1, 1, () => throw new IOException("socket broke")));
        _fds.Tell(new RegisterConnection(46, Client, 1, 1, () => { }));
        _fds.Tell(new RequestLease(45, 1));
        ExpectMsg<LeaseGranted>();

        _fds.Tell(new CloseConnection(45));
        ExpectMsg<ConnectionClosing>();

        AwaitAssert(() => Assert.Null(_table[45].Owner), TimeSpan.FromSeconds(5));
        Assert.NotNull(_table[46].Owner);
        Assert.Equal(0, _table[45].RefCount);
    }

    [Fact]
    public async Task TenThousandConnections_LeaveTheTableAndTheProcessFdsAsTheyWere()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        // The first connections also create what the runtime keeps for good (epoll, threads).
        await ConnectAndCloseAsync(listener, endpoint, 100);
        int before = OpenFds();

        await ConnectAndCloseAsync(listener, endpoint, 10_000);
        _fds.Tell(GetFdTable.Instance);

        Assert.Empty(ExpectMsg<FdTableSnapshot>(TimeSpan.FromSeconds(30)).Entries);
        Assert.InRange(OpenFds() - before, -5, 5);
    }

    private async Task ConnectAndCloseAsync(TcpListener listener, IPEndPoint endpoint, int count)
    {
        for (int i = 0; i < count; i++)
        {
            using var client = new TcpClient();
            var connecting = client.ConnectAsync(endpoint.Address, endpoint.Port);
            using var server = await listener.AcceptSocketAsync();
            await connecting;
            int fd = (int)server.Handle;
            _fds.Tell(new RegisterConnection(fd, Client, 1, 1, server.Close));
            server.Close();
            _fds.Tell(new ConnectionClosed(fd));
        }
    }

    private static int OpenFds() => Directory.GetFiles("/proc/self/fd").Length;
}
