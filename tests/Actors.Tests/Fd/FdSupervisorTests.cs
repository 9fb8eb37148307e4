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
        var registration = new RegisterConnection(42, Client, 1, 1, () => { });
        _fds.Tell(registration);
        _fds.Tell(new RequestLease(42, 1));
        ExpectMsg<LeaseGranted>();

        _fds.Tell(new ConnectionClosed(42, registration.Connection));
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
        var registration = new RegisterConnection(43, Client, 1, 1, () => { });
        _fds.Tell(registration);
        _fds.Tell(new RequestLease(43, 1), holder.Ref);
        holder.ExpectMsg<LeaseGranted>();
        _fds.Tell(new ConnectionClosed(43, registration.Connection));

        Sys.Stop(holder.Ref);

        AwaitAssert(() => Assert.Null(_table[43].Owner), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void FdReusedBeforeTheOldCloseArrives_TheNewConnectionKeepsItsEntry()
    {
        var newer = new FdOwner("frontend", "web", "127.0.0.1:6666");
        var old = new RegisterConnection(45, Client, 1, 1, () => { });
        _fds.Tell(old);
        var holder = CreateTestProbe();
        _fds.Tell(new RequestLease(45, 1), holder.Ref);
        holder.ExpectMsg<LeaseGranted>();

        // The system gave fd 45 to a new connection; the old one's close comes after.
        var closed = new TaskCompletionSource();
        var current = new RegisterConnection(45, newer, 2, 0b10, () => closed.TrySetResult());
        _fds.Tell(current);
        _fds.Tell(new ConnectionClosed(45, old.Connection));

        _fds.Tell(GetFdTable.Instance);
        Assert.Equal(new FdInfo(45, 2, 0, 0b10, newer), Assert.Single(ExpectMsg<FdTableSnapshot>().Entries));
        // The old connection's lease ended with it: it cannot close the new one.
        _fds.Tell(new CloseConnection(45), holder.Ref);
        holder.ExpectMsg<LeaseRefused>();
        Assert.False(closed.Task.IsCompleted);

        _fds.Tell(new ConnectionClosed(45, current.Connection));
        _fds.Tell(GetFdTable.Instance);
        Assert.Empty(ExpectMsg<FdTableSnapshot>().Entries);
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
        // A leak shows as more descriptors; fewer only means another test's sockets closed meanwhile.
        Assert.True(OpenFds() - before <= 5, $"{OpenFds() - before} more descriptors open than before");
    }

    [Fact]
    public async Task ClosesArrivingAfterTheirFdWasReused_LeaveTheTableExact()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;

        // Each close is told only after the next connection (most often on the same fd, which the
        // system hands out again at once) registered: as when a connection is aborted.
        await ConnectAndCloseAsync(listener, endpoint, 2_000, closeLate: true);
        _fds.Tell(GetFdTable.Instance);

        Assert.Empty(ExpectMsg<FdTableSnapshot>(TimeSpan.FromSeconds(30)).Entries);
    }

    private async Task ConnectAndCloseAsync(TcpListener listener, IPEndPoint endpoint, int count, bool closeLate = false)
    {
        ConnectionClosed? late = null;
        for (int i = 0; i < count; i++)
        {
            using var client = new TcpClient();
            var connecting = client.ConnectAsync(endpoint.Address, endpoint.Port);
            using var server = await listener.AcceptSocketAsync();
            await connecting;
            int fd = (int)server.Handle;
            var registration = new RegisterConnection(fd, Client, 1, 1, server.Close);
            _fds.Tell(registration);
            if (late is not null)
            {
                _fds.Tell(late);
            }
            server.Close();
            late = new ConnectionClosed(fd, registration.Connection);
            if (!closeLate)
            {
                _fds.Tell(late);
                late = null;
            }
        }
        if (late is not null)
        {
            _fds.Tell(late);
        }
    }

    private static int OpenFds() => Directory.GetFiles("/proc/self/fd").Length;
}
