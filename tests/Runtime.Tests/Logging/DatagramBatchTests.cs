using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Runtime.Logging;

namespace ActorProxy.Runtime.Tests.Logging;

/// <summary>Log datagrams gathered and sent in one call: each arrives whole and in order, cut at
/// the batch's length; a full receiver drops (and counts) instead of blocking; a failure names
/// itself.</summary>
public sealed class DatagramBatchTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public void EveryDatagram_ArrivesWholeAndInOrder_AndTheBatchIsEmptyAfter()
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        receiver.ReceiveTimeout = (int)Bound.TotalMilliseconds;
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var batch = new DatagramBatch(4, 16, receiver.LocalEndPoint!.Serialize());

        batch.Add("first line\n"u8);
        batch.Add("second\n"u8);
        batch.Add("a line longer than sixteen bytes\n"u8);
        Assert.Equal(3, batch.Count);
        Assert.Equal(0, batch.Send(sender));
        Assert.Equal(0, batch.Count);

        Assert.Equal(["first line\n", "second\n", "a line longer th"], [Receive(receiver), Receive(receiver), Receive(receiver)]);
    }

    [Fact]
    public void AFullBatch_TakesNoMore_UntilSent()
    {
        using var batch = new DatagramBatch(2, 8, new IPEndPoint(IPAddress.Loopback, 9).Serialize());
        batch.Add("a"u8);
        batch.Add("b"u8);

        Assert.True(batch.IsFull);
        Assert.Throws<InvalidOperationException>(() => batch.Add("c"u8));
    }

    [Fact]
    public void AReceiverThatReadsNothing_MakesANonBlockingSenderDrop_NotWait()
    {
        string path = Path.Combine(Path.GetTempPath(), $"actorproxy-batch-{Guid.NewGuid():N}.sock");
        try
        {
            using var receiver = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            receiver.Bind(new UnixDomainSocketEndPoint(path));
            using var sender = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
            using var batch = new DatagramBatch(64, 512, new UnixDomainSocketEndPoint(path).Serialize());
            byte[] line = Encoding.ASCII.GetBytes(new string('x', 500));

            int dropped = 0;
            for (int round = 0; round < 1000 && dropped == 0; round++)
            {
                while (!batch.IsFull)
                {
                    batch.Add(line);
                }
                dropped = batch.Send(sender);
            }

            Assert.InRange(dropped, 1, 64);
            Assert.Equal(0, batch.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NoSocketAtThePath_IsAnErrorInTheSystemsWords()
    {
        string path = Path.Combine(Path.GetTempPath(), $"actorproxy-batch-{Guid.NewGuid():N}.sock");
        using var sender = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        using var batch = new DatagramBatch(4, 64, new UnixDomainSocketEndPoint(path).Serialize());
        batch.Add("line\n"u8);

        var error = Assert.Throws<IOException>(() => batch.Send(sender));

        Assert.Contains("No such file or directory", error.Message);
        Assert.Equal(0, batch.Count);
    }

    private static string Receive(Socket receiver)
    {
        var buffer = new byte[64];
        int length = receiver.Receive(buffer);
        return Encoding.ASCII.GetString(buffer, 0, length);
    }
}
