using ActorProxy.Runtime.Config;

namespace ActorProxy.Runtime.Tests.Config;

/// <summary>HAProxy's <c>capture request|response header NAME len N</c>.</summary>
public sealed class HeaderCaptureTests
{
    [Fact]
    public void ARequestCapture_CutsItsValue()
    {
        var (request, capture) = HeaderCapture.Parse("request header User-Agent len 5");
        Assert.True(request);
        Assert.Equal(("User-Agent", "curl/"), (capture.Name, capture.Cut("curl/8.5.0")));
    }

    [Fact]
    public void AResponseCapture_IsOne() => Assert.False(HeaderCapture.Parse("response header Content-Type len 20").Request);

    [Theory]
    [InlineData("request header Host", "'capture request header' expects <header name> 'len' <length>")]
    [InlineData("response header Host len 0", "'capture response header' expects <header name> 'len' <length>")]
    [InlineData("body len 3", "'capture' expects 'cookie', 'request header' or 'response header'")]
    [InlineData("cookie SRV len 20", "'capture cookie' is not supported by ActorProxy (it sets no persistence cookie); capture the Cookie header with 'capture request header Cookie len N'")]
    public void BadLines_AreRefused(string line, string error) =>
        Assert.Equal(error, Assert.Throws<FormatException>(() => HeaderCapture.Parse(line)).Message);
}
