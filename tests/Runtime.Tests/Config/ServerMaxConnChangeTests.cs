using ActorProxy.Runtime.Config;

namespace ActorProxy.Runtime.Tests.Config;

// server_parse_maxconn_change_request's answers; MaxConnParityTests has HAProxy say them too.
public sealed class ServerMaxConnChangeTests
{
    [Theory]
    [InlineData("2", 2)]
    [InlineData("0", 0)]
    [InlineData("+7", 7)]
    [InlineData("-1", -1)]
    [InlineData("99999999999", int.MaxValue)]
    public void AMaxconn_IsANumber(string request, int expected)
    {
        Assert.Equal(expected, ServerMaxConnChange.Parse(request, out string? error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("", "Require <maxconn>.\n")]
    [InlineData("x", "maxconn string empty or preceded by garbage")]
    [InlineData("-", "maxconn string empty or preceded by garbage")]
    [InlineData("3x", "Trailing garbage in maxconn string")]
    public void ABadMaxconn_GetsHaproxysWords(string request, string expected)
    {
        Assert.Null(ServerMaxConnChange.Parse(request, out string? error));
        Assert.Equal(expected, error);
    }
}
