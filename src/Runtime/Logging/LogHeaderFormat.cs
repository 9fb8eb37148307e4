namespace ActorProxy.Runtime.Logging;

/// <summary>The header a log target puts before each message (a <c>log</c> line's <c>format</c>).</summary>
public enum LogHeaderFormat
{
    /// <summary><c>rfc3164</c>, the default: <c>&lt;134&gt;Dec  1 18:57:41 tag[pid]: </c>.</summary>
    Rfc3164,

    /// <summary><c>local</c>: as rfc3164, for a local syslog daemon.</summary>
    Local,

    /// <summary><c>rfc5424</c>: <c>&lt;134&gt;1 2026-12-01T18:57:41.559000+00:00 - tag pid - - </c>.</summary>
    Rfc5424,

    /// <summary><c>priority</c>: <c>&lt;134&gt;</c> alone.</summary>
    Priority,

    /// <summary><c>short</c>: the level alone, <c>&lt;6&gt;</c> (for systemd's journal on stdout).</summary>
    LevelOnly,

    /// <summary><c>timed</c>: the level and an ISO time.</summary>
    Timed,

    /// <summary><c>iso</c>: an ISO time alone.</summary>
    Iso,

    /// <summary><c>raw</c>: the message alone.</summary>
    Raw,
}
