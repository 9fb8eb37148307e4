namespace ActorProxy.Runtime.Http;

/// <summary>
/// What a TCP connection's client has sent and the <c>tcp-request content</c> rules inspect before
/// anything is forwarded (HAProxy's request channel input): the bytes so far, whether more may
/// still count, and, for the condition being evaluated, whether a fetch's answer could change
/// with more (HAProxy's SMP_F_MAY_CHANGE), which makes an unmatched ACL wait instead of fail.
/// </summary>
public sealed class TcpRequestBuffer
{
    /// <summary>An empty buffer of <paramref name="capacity"/> bytes (<c>tune.bufsize</c>).</summary>
    public TcpRequestBuffer(int capacity)
    {
        Capacity = capacity;
    }

    /// <summary>The buffer's size: a payload beyond it never matches.</summary>
    public int Capacity { get; }

    /// <summary>The bytes received so far.</summary>
    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>True when no more data will count: the client closed its side, the buffer is
    /// full, the inspect delay is over, or the frontend has none (HAProxy's SMP_OPT_FINAL).</summary>
    public bool Final { get; set; }

    /// <summary>True when the client's side is closed: nothing more can arrive.</summary>
    public bool Closed { get; set; }

    /// <summary>Set by a fetch whose answer more data could change; cleared before each ACL expression.</summary>
    public bool MayChange { get; set; }
}
