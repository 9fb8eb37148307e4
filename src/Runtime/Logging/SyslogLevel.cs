namespace ActorProxy.Runtime.Logging;

/// <summary>Syslog's severities by HAProxy's names (<c>log_levels</c>): 0 <c>emerg</c> to 7 <c>debug</c>.</summary>
public static class SyslogLevel
{
    /// <summary>HAProxy's level for traffic logs.</summary>
    public const int Info = 6;

    /// <summary>The level of traffic logs that report an error, with <c>option log-separate-errors</c>.</summary>
    public const int Err = 3;

    private static readonly string[] Names = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

    /// <summary>The level named <paramref name="name"/>, or -1 (HAProxy's <c>get_log_level</c>).</summary>
    public static int Parse(string name) => Array.IndexOf(Names, name);

    /// <summary>The name of <paramref name="level"/>.</summary>
    public static string NameOf(int level) => Names[level];
}
