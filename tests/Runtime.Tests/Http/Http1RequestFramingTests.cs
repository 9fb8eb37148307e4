using System.Buffers;
using System.Text;
using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Tests.Http;

public class Http1RequestFramingTests
{
    private const string Plain = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

    [Theory]
    [InlineData("+5")]
    [InlineData("-0")]
    [InlineData("+0")]
    public void SignedContentLength_IsReportedWithItsHeadNumber(string length)
    {
        var refusals = ScanWhole($"POST / HTTP/1.1\r\nHost: a\r\nContent-Length:  {length} \r\n\r\nhello");

        Assert.Equal([(1L, $"Content-Length '{length}' is not a number")], refusals);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("05")]
    public void DigitsOnly_AreNotReported(string length) =>
        Assert.Empty(ScanWhole($"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: {length}\r\n\r\nhello"));

    [Fact]
    public void PipelinedHeads_AreCounted_AndABodyIsNotReadAsAHead()
    {
        string fake = "X\r\nContent-Length: +5\r\n\r\n";
        string input = Plain +
            $"POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: {fake.Length}\r\n\r\n{fake}" +
            "POST /b HTTP/1.1\r\nContent-Length: +1\r\n\r\nx";

        Assert.Equal([(3L, "Content-Length '+1' is not a number")], ScanWhole(input));
    }

    [Fact]
    public void ChunkedBody_IsFollowedChunkByChunk_TrailersIncluded()
    {
        string input = "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n" +
            "1a;ext=1\r\nGET / HTTP/1.1\r\nContent-Le\r\n" + "5\r\nngth:\r\n" + "0\r\nX-Trailer: 1\r\n\r\n" +
            "GET /next HTTP/1.1\r\nContent-Length: -0\r\n\r\n";

        Assert.Equal([(2L, "Content-Length '-0' is not a number")], ScanWhole(input));
    }

    [Fact]
    public void ByteByByte_FindsWhatItFindsInOnePiece()
    {
        string input = Plain + "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
            "PUT / HTTP/1.1\r\nContent-Length: +2\r\n\r\nab";
        byte[] bytes = Encoding.ASCII.GetBytes(input);
        var framing = new Http1RequestFraming();
        var refusals = new List<(long, string)>();

        for (int end = 1; end <= bytes.Length; end++)
        {
            framing.Scan(new ReadOnlySequence<byte>(bytes, 0, end), 0, (head, why) => refusals.Add((head, why)));
        }

        Assert.Equal([(3L, "Content-Length '+2' is not a number")], refusals);
    }

    [Fact]
    public void ConsumedBytes_MoveTheStart_AndBodiesMayBeConsumedInPieces()
    {
        byte[] bytes = Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789GET / HTTP/1.1\r\nContent-Length: +0\r\n\r\n");
        int head = "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n".Length;
        var framing = new Http1RequestFraming();
        var refusals = new List<(long, string)>();

        // A reader that consumed the first head, then half the body, then the rest.
        framing.Scan(new ReadOnlySequence<byte>(bytes, 0, head + 5), 0, (h, why) => refusals.Add((h, why)));
        framing.Scan(new ReadOnlySequence<byte>(bytes, head + 5, bytes.Length - head - 5), head + 5, (h, why) => refusals.Add((h, why)));

        Assert.Equal([(2L, "Content-Length '+0' is not a number")], refusals);
        Assert.Equal(2, framing.Heads);
    }

    [Theory]
    [InlineData("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n")]
    [InlineData("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx")]
    public void WhatMayBeATunnelOrIsRefusedAnyway_EndsTheLooking(string first)
    {
        var framing = new Http1RequestFraming();
        var refusals = new List<(long, string)>();

        framing.Scan(Sequence(first + "GET / HTTP/1.1\r\nContent-Length: +1\r\n\r\nx"), 0, (h, why) => refusals.Add((h, why)));

        Assert.True(framing.Blind);
        Assert.Empty(refusals);
    }

    [Fact]
    public void ALineSplitAcrossSegments_IsReadWhole()
    {
        var first = new Segment(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nConte"));
        var last = first.Append(Encoding.ASCII.GetBytes("nt-Length: +3\r\n\r\nabc"));
        var framing = new Http1RequestFraming();
        var refusals = new List<(long, string)>();

        framing.Scan(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), 0, (h, why) => refusals.Add((h, why)));

        Assert.Equal([(1L, "Content-Length '+3' is not a number")], refusals);
    }

    private static List<(long, string)> ScanWhole(string input)
    {
        var refusals = new List<(long, string)>();
        new Http1RequestFraming().Scan(Sequence(input), 0, (head, why) => refusals.Add((head, why)));
        return refusals;
    }

    private static ReadOnlySequence<byte> Sequence(string text) => new(Encoding.ASCII.GetBytes(text));

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes) => Memory = bytes;

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
