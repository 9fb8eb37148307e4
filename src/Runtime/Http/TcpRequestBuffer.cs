namespace ActorProxy.Runtime.Http;

/// <summary>
/// What a TCP connection's client has sent and the <c>tcp-request content</c> rules inspect before
/// anything reaches a server (HAProxy's request channel): the input the rules read and Lua's
/// Channel may change, the output Lua already passed on (<c>Channel.send</c>, <c>forward</c>),
/// whether more may still count, and, for the condition being evaluated, whether a fetch's answer
/// could change with more (HAProxy's SMP_F_MAY_CHANGE), which makes an unmatched ACL wait
/// instead of fail. Once the rules are over, the output then the input go to the server or the
/// service before anything the client sends later.
/// </summary>
/// <remarks>Used by one thread at a time: the connection's handler between rule runs, the rules'
/// worker during one.</remarks>
public sealed class TcpRequestBuffer
{
    /// <summary>An empty buffer of <paramref name="capacity"/> bytes (<c>tune.bufsize</c>) whose
    /// input stops at <paramref name="limit"/> (<c>tune.bufsize</c> less <c>tune.maxrewrite</c>).</summary>
    public TcpRequestBuffer(int capacity, int limit)
    {
        Capacity = capacity;
        Limit = limit;
    }

    /// <summary>An empty buffer of <paramref name="capacity"/> bytes, HAProxy's 1024 bytes of
    /// <c>tune.maxrewrite</c> kept free.</summary>
    public TcpRequestBuffer(int capacity) : this(capacity, Math.Max(1, capacity - 1024))
    {
    }

    /// <summary>The buffer's size: a payload beyond it never matches.</summary>
    public int Capacity { get; }

    /// <summary>How much it holds before it is full (HAProxy's channel_recv_limit).</summary>
    public int Limit { get; }

    /// <summary>The input: bytes received and not yet passed on, as the rules and Lua left them.</summary>
    public byte[] Data { get; set; } = [];

    /// <summary>Bytes Lua passed on already, which the server gets first.</summary>
    public byte[] Output { get; set; } = [];

    /// <summary>True when no more data will count: the client closed its side, the buffer is
    /// full, the inspect delay is over, or the frontend has none (HAProxy's SMP_OPT_FINAL).</summary>
    public bool Final { get; set; }

    /// <summary>True when the client's side is closed: nothing more can arrive.</summary>
    public bool Closed { get; set; }

    /// <summary>True when the buffer has no room for more input (channel_full).</summary>
    public bool Full => Output.Length + Data.Length >= Limit;

    /// <summary>Set by a fetch whose answer more data could change; cleared before each ACL expression.</summary>
    public bool MayChange { get; set; }

    /// <summary>What the server or service gets first once the rules are over: the output, then the input.</summary>
    public byte[] Pending() => [.. Output, .. Data];
}
