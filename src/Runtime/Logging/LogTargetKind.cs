namespace ActorProxy.Runtime.Logging;

/// <summary>Where a log target's messages go.</summary>
public enum LogTargetKind
{
    /// <summary>Syslog over UDP (<c>127.0.0.1:514</c>, <c>udp@</c>, <c>ipv4@</c>, <c>ipv6@</c>).</summary>
    Udp,

    /// <summary>A Unix datagram socket, as <c>/dev/log</c> (<c>unix@PATH</c> or a path).</summary>
    UnixDatagram,

    /// <summary>The process's standard output (<c>stdout</c>, <c>fd@1</c>).</summary>
    Stdout,

    /// <summary>The process's standard error (<c>stderr</c>, <c>fd@2</c>).</summary>
    Stderr,

    /// <summary>A file, appended to (<c>file@PATH</c>: ActorProxy's own, HAProxy has no file target).</summary>
    File,
}
