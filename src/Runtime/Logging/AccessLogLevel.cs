using ActorProxy.Runtime.Config;

namespace ActorProxy.Runtime.Logging;

/// <summary>Whether and at which level a stream's access log line is written (HAProxy's <c>strm_log</c>).</summary>
public static class AccessLogLevel
{
    /// <summary>True when the line reports an error: a redispatch, an end other than normal or
    /// local, a retry, or a 5xx status.</summary>
    public static bool IsError(AccessLogEntry entry) =>
        entry.Redispatched || entry.Termination.Cause is not ('-' or 'L') ||
        (entry.Termination.Cause == '-' && entry.Retries > 0) || entry.Status >= 500;

    /// <summary>The syslog level of <paramref name="entry"/>'s line, or null for no line
    /// (<c>set-log-level silent</c>, or <c>option dontlog-normal</c> and no error).</summary>
    public static int? Of(AccessLogSettings settings, AccessLogEntry entry)
    {
        bool error = IsError(entry);
        if ((!error && settings.DontLogNormal) || entry.LevelOverride == -1)
        {
            return null;
        }
        return entry.LevelOverride > 0 ? entry.LevelOverride - 1 : error && settings.SeparateErrors ? SyslogLevel.Err : SyslogLevel.Info;
    }
}
