namespace ActorProxy.Runtime.Stick;

/// <summary>
/// What a stick table's entry may store, in HAProxy's order (<c>STKTABLE_DT_*</c>): the order
/// <c>show table</c> prints them in. Those ActorProxy leaves out (<c>server_id</c>,
/// <c>server_key</c>, the <c>gpt</c>/<c>gpc</c> arrays) are refused when the table is read.
/// </summary>
public enum StickDataType
{
    /// <summary>General purpose tag 0, set by <c>sc-set-gpt0</c>.</summary>
    Gpt0,
    /// <summary>General purpose counter 0.</summary>
    Gpc0,
    /// <summary>The rate of gpc0's increments.</summary>
    Gpc0Rate,
    /// <summary>Connections (or, tracked in HTTP rules, requests) that tracked the entry.</summary>
    ConnCnt,
    /// <summary>Their rate.</summary>
    ConnRate,
    /// <summary>Those tracking it now.</summary>
    ConnCur,
    /// <summary>Sessions that tracked it.</summary>
    SessCnt,
    /// <summary>Their rate.</summary>
    SessRate,
    /// <summary>HTTP requests.</summary>
    HttpReqCnt,
    /// <summary>Their rate.</summary>
    HttpReqRate,
    /// <summary>HTTP requests that got a 4xx or were denied.</summary>
    HttpErrCnt,
    /// <summary>Their rate.</summary>
    HttpErrRate,
    /// <summary>Bytes from the client.</summary>
    BytesInCnt,
    /// <summary>Their rate.</summary>
    BytesInRate,
    /// <summary>Bytes to the client.</summary>
    BytesOutCnt,
    /// <summary>Their rate.</summary>
    BytesOutRate,
    /// <summary>General purpose counter 1.</summary>
    Gpc1,
    /// <summary>The rate of gpc1's increments.</summary>
    Gpc1Rate,
    /// <summary>Server failures (5xx but 501 and 505).</summary>
    HttpFailCnt,
    /// <summary>Their rate.</summary>
    HttpFailRate,
}

/// <summary>Names and kinds of the <see cref="StickDataType"/>s.</summary>
public static class StickDataTypes
{
    private static readonly string[] s_names =
    [
        "gpt0", "gpc0", "gpc0_rate", "conn_cnt", "conn_rate", "conn_cur", "sess_cnt", "sess_rate",
        "http_req_cnt", "http_req_rate", "http_err_cnt", "http_err_rate", "bytes_in_cnt", "bytes_in_rate",
        "bytes_out_cnt", "bytes_out_rate", "gpc1", "gpc1_rate", "http_fail_cnt", "http_fail_rate",
    ];

    /// <summary>Every type, in HAProxy's order.</summary>
    public static IReadOnlyList<StickDataType> All { get; } = Enum.GetValues<StickDataType>();

    /// <summary>HAProxy's name for <paramref name="type"/>.</summary>
    public static string Name(StickDataType type) => s_names[(int)type];

    /// <summary>The type called <paramref name="name"/>, or null.</summary>
    public static StickDataType? Find(string name) => Array.IndexOf(s_names, name) is >= 0 and var at ? (StickDataType)at : null;

    /// <summary>True for a rate, which takes a period (<c>http_req_rate(10s)</c>).</summary>
    public static bool IsRate(StickDataType type) => Name(type).EndsWith("_rate", StringComparison.Ordinal);

    /// <summary>HAProxy's names of the types ActorProxy does not store, each with why.</summary>
    public static IReadOnlyDictionary<string, string> Refused { get; } = new Dictionary<string, string>
    {
        ["server_id"] = "server_id serves 'stick on' persistence, which ActorProxy does not have",
        ["server_key"] = "server_key serves 'stick on' persistence, which ActorProxy does not have",
        ["gpt"] = "the gpt array (2.5's gpt(N)) is not stored by ActorProxy yet; use gpt0",
        ["gpc"] = "the gpc array (2.5's gpc(N)) is not stored by ActorProxy yet; use gpc0 or gpc1",
        ["gpc_rate"] = "the gpc_rate array (2.5's gpc_rate(N,P)) is not stored by ActorProxy yet; use gpc0_rate or gpc1_rate",
    };
}
