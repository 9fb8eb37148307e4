using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using ActorProxy.Runtime.Http;
using Microsoft.AspNetCore.Connections;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// Kestrel connection middleware on HTTP frontends: the client's bytes go through
/// <see cref="Http1RequestFraming"/> before Kestrel parses them, so that what HAProxy refuses in
/// a head as it came (a signed Content-Length, which Kestrel reads as a number) is known when the
/// request reaches <see cref="FrontendPipeline.RefuseMalformedAsync"/>. Kestrel hands a
/// connection's requests on one after the other, in the order of their heads, so the n-th
/// request asks for the n-th head's refusal.
/// </summary>
internal sealed class RawRequestHeads : IDuplexPipe
{
    private static readonly object Key = new();

    private readonly Http1RequestFraming _framing = new();
    private readonly ConcurrentQueue<(long Head, string Value)> _refused = new();
    private readonly ConcurrentQueue<(long Head, long Value)> _lineEnds = new();
    private readonly TimeProvider? _time;
    private long _requests;
    private long _timedRequests;
    private bool _anyByte;

    private RawRequestHeads(IDuplexPipe transport, TimeProvider? time)
    {
        _time = time;
        Input = new Reader(transport.Input, this);
        Output = transport.Output;
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Runs the connection through <paramref name="next"/> with its input looked at.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="next">The rest of the connection's middleware.</param>
    /// <param name="time">The clock that times request lines for the access log, or null when the frontend does not log.</param>
    public static async Task GuardAsync(ConnectionContext connection, ConnectionDelegate next, TimeProvider? time)
    {
        var transport = connection.Transport;
        var heads = new RawRequestHeads(transport, time);
        connection.Items[Key] = heads;
        connection.Transport = heads;
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    }

    /// <summary>Why HAProxy refuses the head of the next request Kestrel hands on for the
    /// connection whose items are <paramref name="connectionItems"/>, or null. Called once per
    /// request, in order.</summary>
    public static string? RefusalOfNextRequest(IDictionary<object, object?> connectionItems)
    {
        if (!connectionItems.TryGetValue(Key, out var value) || value is not RawRequestHeads heads)
        {
            return null;
        }
        return TakeFor(heads._refused, Interlocked.Increment(ref heads._requests), out string? reason) ? reason : null;
    }

    /// <summary>True when the client of the connection whose items are
    /// <paramref name="connectionItems"/> sent any byte (HAProxy's dontlognull keeps quiet only
    /// about connections that sent nothing); false where the bytes were not looked at.</summary>
    public static bool AnyByteArrived(IDictionary<object, object?> connectionItems) =>
        connectionItems.TryGetValue(Key, out var value) && value is RawRequestHeads { _anyByte: true };

    /// <summary>When the request line of the connection's next request ended (a
    /// <see cref="TimeProvider"/> timestamp), or null where it was not seen; called once per
    /// request, in order.</summary>
    public static long? RequestLineEndOfNextRequest(IDictionary<object, object?> connectionItems)
    {
        if (!connectionItems.TryGetValue(Key, out var value) || value is not RawRequestHeads heads)
        {
            return null;
        }
        return TakeFor(heads._lineEnds, Interlocked.Increment(ref heads._timedRequests), out long at) ? at : null;
    }

    // What the queue holds for the head of request number `request`: the entries of earlier
    // heads (whose requests were never handed on) go.
    private static bool TakeFor<T>(ConcurrentQueue<(long Head, T Value)> queue, long request, out T value)
    {
        while (queue.TryPeek(out var entry) && entry.Head <= request)
        {
            queue.TryDequeue(out _);
            if (entry.Head == request)
            {
                value = entry.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    private void Refuse(long head, string reason) => _refused.Enqueue((head, reason));

    // Each head's request line is timed when a read shows it, for the access log's Ti and TR.
    private void Timed(long fromHead)
    {
        if (_time is null)
        {
            return;
        }
        long now = _time.GetTimestamp();
        for (long head = fromHead + 1; head <= _framing.Heads; head++)
        {
            _lineEnds.Enqueue((head, now));
        }
    }

    private sealed class Reader(PipeReader inner, RawRequestHeads heads) : PipeReader
    {
        private readonly Action<long, string> _refuse = heads.Refuse;
        // The absolute offset in the input of the buffer last read, and that buffer.
        private long _start;
        private ReadOnlySequence<byte> _last;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            // Once blind, or when the bytes are there, no state machine: this runs on every read.
            if (heads._framing.Blind)
            {
                return inner.ReadAsync(cancellationToken);
            }
            var read = inner.ReadAsync(cancellationToken);
            if (read.IsCompletedSuccessfully)
            {
                var result = read.Result;
                Look(result.Buffer);
                return new ValueTask<ReadResult>(result);
            }
            return LookWhenReadAsync(read);
        }

        private async ValueTask<ReadResult> LookWhenReadAsync(ValueTask<ReadResult> read)
        {
            var result = await read;
            Look(result.Buffer);
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
            {
                return false;
            }
            Look(result.Buffer);
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed)
        {
            Consumed(consumed);
            inner.AdvanceTo(consumed);
        }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            Consumed(consumed);
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        private void Look(in ReadOnlySequence<byte> buffer)
        {
            if (heads._framing.Blind)
            {
                return;
            }
            _last = buffer;
            long before = heads._framing.Heads;
            heads._anyByte |= !buffer.IsEmpty;
            heads._framing.Scan(buffer, _start, _refuse);
            if (heads._framing.Heads != before)
            {
                heads.Timed(before);
            }
        }

        private void Consumed(SequencePosition consumed)
        {
            if (!heads._framing.Blind)
            {
                _start += _last.GetOffset(consumed) - _last.GetOffset(_last.Start);
            }
        }
    }
}
