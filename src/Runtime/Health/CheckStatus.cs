namespace ActorProxy.Runtime.Health;

/// <summary>How a health check ended, HAProxy's <c>HCHK_STATUS_*</c> of an HTTP check; the
/// <c>check_status</c> field of <c>show stat</c> gives its abbreviation.</summary>
public enum CheckStatus
{
    /// <summary>No check has ended yet (INI, "Initializing").</summary>
    Initializing,

    /// <summary>The server could not be connected to in time (L4TOUT).</summary>
    Layer4Timeout,

    /// <summary>The connection was refused or failed (L4CON).</summary>
    Layer4Connection,

    /// <summary>The TLS handshake failed (L6RSP).</summary>
    Layer6Response,

    /// <summary>No answer in time once connected (L7TOUT).</summary>
    Layer7Timeout,

    /// <summary>An answer that is not HTTP (L7RSP).</summary>
    Layer7Response,

    /// <summary>A 2xx or 3xx answer (L7OK): passed.</summary>
    Layer7Ok,

    /// <summary>Any other status (L7STS).</summary>
    Layer7WrongStatus,
}

/// <summary>HAProxy's names of a <see cref="CheckStatus"/> (check.c's check_statuses).</summary>
public static class CheckStatuses
{
    /// <summary>The abbreviation <c>show stat</c> prints (<c>L7OK</c>).</summary>
    public static string Abbreviation(this CheckStatus status) => status switch
    {
        CheckStatus.Initializing => "INI",
        CheckStatus.Layer4Timeout => "L4TOUT",
        CheckStatus.Layer4Connection => "L4CON",
        CheckStatus.Layer6Response => "L6RSP",
        CheckStatus.Layer7Timeout => "L7TOUT",
        CheckStatus.Layer7Response => "L7RSP",
        CheckStatus.Layer7Ok => "L7OK",
        _ => "L7STS",
    };

    /// <summary>The description (<c>check_desc</c>: "Layer7 check passed").</summary>
    public static string Description(this CheckStatus status) => status switch
    {
        CheckStatus.Initializing => "Initializing",
        CheckStatus.Layer4Timeout => "Layer4 timeout",
        CheckStatus.Layer4Connection => "Layer4 connection problem",
        CheckStatus.Layer6Response => "Layer6 invalid response",
        CheckStatus.Layer7Timeout => "Layer7 timeout",
        CheckStatus.Layer7Response => "Layer7 invalid response",
        CheckStatus.Layer7Ok => "Layer7 check passed",
        _ => "Layer7 wrong status",
    };

    /// <summary>True for a status past layer 4's (HAProxy's <c>status &gt;= HCHK_STATUS_L57DATA</c>),
    /// which has an HTTP code to show.</summary>
    public static bool HasCode(this CheckStatus status) => status is CheckStatus.Layer7Ok or CheckStatus.Layer7WrongStatus;
}
