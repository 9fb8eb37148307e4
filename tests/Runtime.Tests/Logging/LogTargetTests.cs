using System.Net;
using ActorProxy.Runtime.Logging;

namespace ActorProxy.Runtime.Tests.Logging;

/// <summary>HAProxy 2.6's <c>log</c> line (parse_logsrv): address forms, len, format, facility, levels.</summary>
public sealed class LogTargetTests
{
    [Fact]
    public void AnAddressWithoutPort_IsSyslogsPort514()
    {
        var target = LogTarget.Parse("127.0.0.1 local0", "/etc");
        Assert.Equal((LogTargetKind.Udp, new IPEndPoint(IPAddress.Loopback, 514), 16), (target.Kind, target.EndPoint, target.Facility));
        Assert.Equal((LogTarget.DefaultMaxLength, LogHeaderFormat.Rfc3164, 7, 0), (target.MaxLength, target.Format, target.MaxLevel, target.MinLevel));
    }

    [Theory]
    [InlineData("127.0.0.1:5140 local7", LogTargetKind.Udp, "127.0.0.1:5140")]
    [InlineData("udp@127.0.0.1:5140 local7", LogTargetKind.Udp, "127.0.0.1:5140")]
    [InlineData("ipv6@[::1]:5140 local7", LogTargetKind.Udp, "[::1]:5140")]
    [InlineData("stdout local7", LogTargetKind.Stdout, "stdout")]
    [InlineData("fd@2 local7", LogTargetKind.Stderr, "stderr")]
    [InlineData("/dev/log local7", LogTargetKind.UnixDatagram, "/dev/log")]
    [InlineData("unix@log.sock local7", LogTargetKind.UnixDatagram, "/etc/log.sock")]
    [InlineData("file@logs/access.log local7", LogTargetKind.File, "/etc/logs/access.log")]
    public void Addresses_AreHaproxysForms(string line, LogTargetKind kind, string name)
    {
        var target = LogTarget.Parse(line, "/etc");
        Assert.Equal((kind, name, 23), (target.Kind, target.Name, target.Facility));
    }

    [Fact]
    public void LengthFormatAndLevels_AreRead()
    {
        var target = LogTarget.Parse("stdout len 200 format raw daemon notice err", "/");
        Assert.Equal((200, LogHeaderFormat.Raw, 3, 5, 3), (target.MaxLength, target.Format, target.Facility, target.MaxLevel, target.MinLevel));
    }

    [Theory]
    [InlineData("127.0.0.1", "expects <address> and <facility> as arguments")]
    [InlineData("127.0.0.1 len 79 local0", "invalid log length '79', must be between 80 and 65535")]
    [InlineData("127.0.0.1 format json local0", "unknown log format 'json'")]
    [InlineData("127.0.0.1 local9", "unknown log facility 'local9'")]
    [InlineData("127.0.0.1 local0 loud", "unknown optional log level 'loud'")]
    [InlineData("127.0.0.1 local0 info soft", "unknown optional minimum log level 'soft'")]
    [InlineData("127.0.0.1 local0 info err more", "cannot handle unexpected argument 'more'")]
    [InlineData("127.0.0.1 sample 1:2 local0", "'sample' (sending one message in N to each target) is not supported by ActorProxy; remove it")]
    [InlineData("ring@buf local0", "log target 'ring@buf': ActorProxy sends logs over UDP, to a Unix datagram socket, to stdout or stderr, or to a file (file@PATH); 'ring@' is not supported")]
    [InlineData("127.0.0.1:99999 local0", "log target '127.0.0.1:99999': invalid port '99999'")]
    public void BadLines_AreRefusedWithHaproxysWords(string line, string error) =>
        Assert.Equal(error, Assert.Throws<FormatException>(() => LogTarget.Parse(line, "/")).Message);
}
