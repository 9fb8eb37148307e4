using ActorProxy.Runtime.Config;

namespace ActorProxy.Runtime.Tests.Config;

// server_parse_weight_change_request's answers; WeightParityTests has HAProxy say them too.
public sealed class ServerWeightChangeTests
{
    [Theory]
    [InlineData("4", 3, 4)]
    [InlineData("0", 3, 0)]
    [InlineData("256", 3, 256)]
    [InlineData("50%", 3, 1)]
    [InlineData("100%", 3, 3)]
    [InlineData("0%", 3, 0)]
    [InlineData("1000%", 3, 30)]
    [InlineData("99999999999%", 3, 256)]
    [InlineData(" 7", 1, 7)]
    public void AWeight_IsAbsoluteOrAPercentageOfTheConfiguredOne(string request, int initial, int expected)
    {
        Assert.Equal(expected, ServerWeightChange.Parse(request, initial, out string? error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("", "Require <weight> or <weight%>.\n")]
    [InlineData("x", "Empty weight string empty or preceded by garbage")]
    [InlineData("%", "Empty weight string empty or preceded by garbage")]
    [InlineData("257", "Absolute weight can only be between 0 and 256 inclusive.\n")]
    [InlineData("-1", "Absolute weight can only be between 0 and 256 inclusive.\n")]
    [InlineData("3x", "Trailing garbage in weight string")]
    [InlineData("3%x", "Trailing garbage in weight string")]
    [InlineData("-5%", "Relative weight must be positive.\n")]
    public void ABadWeight_GetsHaproxysWords(string request, string expected)
    {
        Assert.Null(ServerWeightChange.Parse(request, 3, out string? error));
        Assert.Equal(expected, error);
    }
}
