using System.Text;
using ActorProxy.Runtime.Logging;

namespace ActorProxy.Runtime.Tests.Logging;

/// <summary>What HAProxy 2.6 sends a target for a message: the header of its format, the message
/// cut at len, a line feed; levels filtered and raised to the minimum.</summary>
public sealed class SyslogMessageTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 5, 9, 123, TimeSpan.Zero);

    private static string Sent(string target, int level, string message) =>
        Encoding.UTF8.GetString(new SyslogMessage("actorproxy", 42).Build(LogTarget.Parse(target, "/"), level, message, Now)!.Value.Span);

    [Theory]
    [InlineData("stdout local0", "<134>Dec  1 08:05:09 actorproxy[42]: hello\n")]
    [InlineData("stdout format local local0", "<134>Dec  1 08:05:09 actorproxy[42]: hello\n")]
    [InlineData("stdout format rfc5424 local0", "<134>1 2026-12-01T08:05:09.123000+00:00 - actorproxy 42 - - hello\n")]
    [InlineData("stdout format priority local0", "<134>hello\n")]
    [InlineData("stdout format short local0", "<6>hello\n")]
    [InlineData("stdout format timed local0", "<6>2026-12-01T08:05:09.123000+00:00 hello\n")]
    [InlineData("stdout format iso local0", "2026-12-01T08:05:09.123000+00:00 hello\n")]
    [InlineData("stdout format raw local0", "hello\n")]
    public void EachFormat_HasItsHeader(string target, string sent) => Assert.Equal(sent, Sent(target, SyslogLevel.Info, "hello"));

    [Fact]
    public void TheFacilityAndLevel_MakeThePriority() => Assert.StartsWith("<187>", Sent("stdout local7", SyslogLevel.Err, "x"));

    [Fact]
    public void ALongMessage_IsCutAtLenBeforeItsLineFeed()
    {
        string sent = Sent("stdout len 80 format raw local0", SyslogLevel.Info, new string('x', 100));
        Assert.Equal(new string('x', 80) + "\n", sent);
    }

    [Fact]
    public void AMessageCutInsideACharacter_KeepsWholeCharacters() =>
        Assert.Equal(new string('x', 79) + "\n", Sent("stdout len 80 format raw local0", SyslogLevel.Info, new string('x', 79) + "é"));

    [Fact]
    public void ALevelBelowTheTargets_IsNotSent() =>
        Assert.Null(new SyslogMessage("t", 1).Build(LogTarget.Parse("stdout local0 notice", "/"), SyslogLevel.Info, "x", Now));

    [Fact]
    public void AMoreSevereLevelThanTheMinimum_IsSentAtTheMinimum() =>
        Assert.StartsWith("<131>", Sent("stdout local0 debug err", 0, "x"));
}
