using System.IO.Pipelines;

namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>
/// HAProxy's <c>timeout client</c> on one connection: the client may stay silent only so long
/// while it is expected to send (a read of the connection waits) or to take what is sent to it
/// (a flush waits); then the connection is closed. While neither waits — the request is in and
/// the server has not answered — no clock runs, as in HAProxy. With no timeout it only reports the
/// client's bytes (for the HTTP request timer). Wraps the connection's transport.
/// </summary>
internal sealed class ClientInactivity : IDuplexPipe, IDisposable
{
    private static readonly object Key = new();

    private TimeSpan _timeout;
    private readonly ITimer _timer;
    private readonly Action? _dataArrived;
    private int _waiting;
    private volatile bool _tunnel;

    public ClientInactivity(IDuplexPipe transport, TimeSpan? timeout, Action expire, Action? dataArrived, TimeProvider time)
    {
        _timeout = timeout ?? Timeout.InfiniteTimeSpan;
        _dataArrived = dataArrived;
        _timer = time.CreateTimer(_ => expire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Input = new Reader(transport.Input, this);
        Output = new Writer(transport.Output, this);
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public void Dispose() => _timer.Dispose();

    /// <summary>The guard of the connection whose items are <paramref name="items"/>, if it has one.</summary>
    public static ClientInactivity? Of(IDictionary<object, object?> items) => items.TryGetValue(Key, out var guard) ? guard as ClientInactivity : null;

    /// <summary>Puts the guard on the connection.</summary>
    public void AttachTo(Microsoft.AspNetCore.Connections.ConnectionContext connection) => connection.Items[Key] = this;

    /// <summary>The connection is a tunnel from now on (HAProxy's <c>timeout tunnel</c>): it may
    /// stay inactive <paramref name="timeout"/> in both directions, so bytes sent to the client
    /// start the clock again as the client's own do, and a wait already running takes it now.</summary>
    public void UseTimeout(TimeSpan timeout)
    {
        _timeout = timeout;
        _tunnel = true;
        if (Volatile.Read(ref _waiting) > 0)
        {
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }
    }

    // Bytes went to the client: in a tunnel, a wait's clock starts again.
    private void Sent()
    {
        if (_tunnel && Volatile.Read(ref _waiting) > 0)
        {
            _timer.Change(_timeout, Timeout.InfiniteTimeSpan);
        }
    }

    // A wait starts: the clock runs from now.
    private void Begin()
    {
        Interlocked.Increment(ref _waiting);
        _timer.Change(_timeout, Timeout.InfiniteTimeSpan);
    }

    // A wait is over, the client did something: the clock starts again if another waits, else stops.
    private void End() =>
        _timer.Change(Interlocked.Decrement(ref _waiting) > 0 ? _timeout : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    private void Read(ReadResult result)
    {
        if (!result.Buffer.IsEmpty)
        {
            _dataArrived?.Invoke();
        }
    }

    private sealed class Reader(PipeReader inner, ClientInactivity guard) : PipeReader
    {
        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            if (inner.TryRead(out var ready))
            {
                guard.Read(ready);
                return ready;
            }
            guard.Begin();
            ReadResult result;
            try
            {
                result = await inner.ReadAsync(cancellationToken);
            }
            finally
            {
                guard.End();
            }
            guard.Read(result);
            return result;
        }

        public override bool TryRead(out ReadResult result) => inner.TryRead(out result);

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }

    private sealed class Writer(PipeWriter inner, ClientInactivity guard) : PipeWriter
    {
        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            var flush = inner.FlushAsync(cancellationToken);
            if (flush.IsCompleted)
            {
                guard.Sent();
                return flush.Result;
            }
            guard.Begin();
            try
            {
                return await flush;
            }
            finally
            {
                guard.End();
            }
        }

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
