using ActorProxy.Runtime.Logging;

namespace ActorProxy.Runtime.Tests.Logging;

/// <summary>HAProxy's %B and %U measure, with sizes HAProxy 2.6 logged for these messages.</summary>
public sealed class HtxSizeTests
{
    [Fact]
    public void ARequest_CountsItsLineFieldsAndBody() =>
        Assert.Equal(60, HtxSize.Of("GET", "/a?b=1", "HTTP/1.1", [new("host", "h"), new("x-a", "first"), new("x-a", "second")], 0, chunked: false));

    [Fact]
    public void AChunkedBody_CountsItsDataAndTheEndOfItsTrailers() =>
        Assert.Equal(82, HtxSize.Of("POST", "http://h/p/q?z", "HTTP/1.1", [new("host", "h"), new("transfer-encoding", "chunked")], 5, chunked: true));

    [Fact]
    public void HaproxysForbiddenPage_Is192() =>
        Assert.Equal(192, HtxSize.Of("HTTP/1.1", "403", "Forbidden", [new("content-length", "93"), new("cache-control", "no-cache"), new("content-type", "text/html")], 93, chunked: false));
}
