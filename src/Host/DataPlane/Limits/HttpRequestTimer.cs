using Microsoft.AspNetCore.Connections;

namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>
/// HAProxy's <c>timeout http-request</c> and <c>timeout http-keep-alive</c> on one HTTP
/// connection. From its start, and from the first byte of each next request, a whole request head
/// must arrive within the request-head timeout, else the client gets HAProxy's 408 page and the
/// connection closes; between requests, the next must start within the keep-alive timeout, else
/// the connection closes silently. While a request is served neither runs (<c>timeout client</c>
/// watches the client then). Kestrel's own timers are off: they are one per server and tick by
/// the second.
/// </summary>
internal sealed class HttpRequestTimer : IDisposable
{
    private const int Head = 0, KeepAlive = 1, InRequest = 2, Expired = 3;

    private static readonly object Key = new();

    private readonly TimeSpan? _head;
    private readonly TimeSpan? _next;
    private readonly Func<Task> _answerTimedOut;
    private readonly Action _close;
    private readonly ITimer _timer;
    private int _state = Head;

    /// <param name="head">The request-head timeout, or null for none.</param>
    /// <param name="next">The keep-alive timeout, or null for none.</param>
    /// <param name="answerTimedOut">Sends the 408 and closes.</param>
    /// <param name="close">Closes silently.</param>
    /// <param name="time">The clock.</param>
    public HttpRequestTimer(TimeSpan? head, TimeSpan? next, Func<Task> answerTimedOut, Action close, TimeProvider time)
    {
        _head = head;
        _next = next;
        _answerTimedOut = answerTimedOut;
        _close = close;
        _timer = time.CreateTimer(_ => Expire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Arm(_head);
    }

    /// <summary>The timer of the connection whose items are <paramref name="items"/>, if it has one.</summary>
    public static HttpRequestTimer? Of(IDictionary<object, object?> items) => items.TryGetValue(Key, out var timer) ? timer as HttpRequestTimer : null;

    /// <summary>Puts the timer on the connection.</summary>
    public void AttachTo(ConnectionContext connection) => connection.Items[Key] = this;

    /// <summary>Bytes came from the client: between requests, the next request's head has begun.</summary>
    public void DataArrived()
    {
        if (Interlocked.CompareExchange(ref _state, Head, KeepAlive) == KeepAlive)
        {
            Arm(_head);
        }
    }

    /// <summary>A request head is in. False when the timer expired first: the connection is closing.</summary>
    public bool BeginRequest()
    {
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state == Expired)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _state, InRequest, state) == state)
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return true;
            }
        }
    }

    /// <summary>The response is sent: the wait for the next request begins.</summary>
    public void EndRequest()
    {
        if (Interlocked.CompareExchange(ref _state, KeepAlive, InRequest) == InRequest)
        {
            Arm(_next);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Arm(TimeSpan? timeout) => _timer.Change(timeout ?? Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    private void Expire()
    {
        if (Interlocked.CompareExchange(ref _state, Expired, Head) == Head)
        {
            _ = _answerTimedOut();
        }
        else if (Interlocked.CompareExchange(ref _state, Expired, KeepAlive) == KeepAlive)
        {
            _close();
        }
    }
}
