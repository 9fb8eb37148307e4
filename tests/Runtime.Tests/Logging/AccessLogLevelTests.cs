using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Logging;

namespace ActorProxy.Runtime.Tests.Logging;

/// <summary>HAProxy's strm_log: which lines are errors, at which level, which are not written.</summary>
public sealed class AccessLogLevelTests
{
    private static readonly AccessLogSettings Plain = new([LogTarget.Parse("stdout local0", "/")], null);

    [Fact]
    public void ANormalLine_IsInfo() => Assert.Equal(SyslogLevel.Info, AccessLogLevel.Of(Plain, new AccessLogEntry { Status = 200 }));

    [Theory]
    [InlineData(503, '-', 0, false)]
    [InlineData(200, 'S', 0, false)]
    [InlineData(200, '-', 1, false)]
    [InlineData(200, 'L', 0, true)]
    public void Errors_AreErrWithSeparateErrors(int status, char cause, int retries, bool redispatched)
    {
        var entry = new AccessLogEntry { Status = status, Termination = new Termination(cause, 'H'), Retries = retries, Redispatched = redispatched };
        Assert.True(AccessLogLevel.IsError(entry));
        Assert.Equal(SyslogLevel.Err, AccessLogLevel.Of(Plain with { SeparateErrors = true }, entry));
        Assert.Equal(SyslogLevel.Info, AccessLogLevel.Of(Plain, entry));
    }

    [Fact]
    public void ALocalAnswer_IsNoError() => Assert.False(AccessLogLevel.IsError(new AccessLogEntry { Status = 200, Termination = new Termination('L', 'R') }));

    [Fact]
    public void DontLogNormal_KeepsOnlyErrors()
    {
        var settings = Plain with { DontLogNormal = true };
        Assert.Null(AccessLogLevel.Of(settings, new AccessLogEntry { Status = 200 }));
        Assert.Equal(SyslogLevel.Info, AccessLogLevel.Of(settings, new AccessLogEntry { Status = 502 }));
    }

    [Fact]
    public void AnOverride_IsTheLevelPlusOne_AndMinusOneIsSilent()
    {
        Assert.Equal(3, AccessLogLevel.Of(Plain, new AccessLogEntry { Status = 200, LevelOverride = 4 }));
        Assert.Null(AccessLogLevel.Of(Plain, new AccessLogEntry { Status = 500, LevelOverride = -1 }));
    }
}
