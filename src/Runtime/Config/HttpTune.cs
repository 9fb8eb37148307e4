namespace ActorProxy.Runtime.Config;

/// <summary>HAProxy's <c>tune.bufsize</c>, <c>tune.maxrewrite</c> and <c>tune.http.maxhdr</c>:
/// how large a request head may be, and how many header fields it may have.</summary>
public sealed record HttpTune
{
    /// <summary><c>tune.bufsize</c>: a buffer's size; HAProxy's default, 16384.</summary>
    public int BufSize { get; init; } = 16384;

    /// <summary><c>tune.maxrewrite</c>: the part of a buffer kept for rewriting; HAProxy's
    /// default, 1024, and never more than half the buffer (HAProxy readjusts it so).</summary>
    public int MaxRewrite { get; init; } = 1024;

    /// <summary><c>tune.http.maxhdr</c>: the most header fields a request may have, its first line
    /// counted as one; HAProxy's default, 101.</summary>
    public int MaxHeaders { get; init; } = 101;

    /// <summary>The largest request head accepted: <c>tune.bufsize - tune.maxrewrite</c>.</summary>
    public int MaxRequestHead => BufSize - Math.Min(MaxRewrite, BufSize / 2);
}
