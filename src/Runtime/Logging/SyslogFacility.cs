namespace ActorProxy.Runtime.Logging;

/// <summary>Syslog's facilities by HAProxy's names (<c>log_facilities</c>): 0 <c>kern</c> to 23 <c>local7</c>.</summary>
public static class SyslogFacility
{
    private static readonly string[] Names =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
        "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2",
        "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    /// <summary>The facility named <paramref name="name"/>, or -1 (HAProxy's <c>get_log_facility</c>).</summary>
    public static int Parse(string name) => Array.IndexOf(Names, name);
}
