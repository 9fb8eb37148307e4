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
    private readonly ConcurrentQueue<(long Head, string Reason)> _refused = new();
    private long _requests;

    private RawRequestHeads(IDuplexPipe transport)
    {
        Input = new Reader(transport.Input, this);
        Output = transport.Output;
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Runs the connection through <paramref name="next"/> with its input looked at.</summary>
    public static async Task GuardAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var transport = connection.Transport;
        var heads = new RawRequestHeads(transport);
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
        long request = Interlocked.Increment(ref heads._requests);
        while (heads._refused.TryPeek(out var refused) && refused.Head <= request)
        {
            heads._refused.TryDequeue(out _);
            if (refused.Head == request)
            {
                return refused.Reason;
            }
        }
        return null;
    }

    private void Refuse(long head, string reason) => _refused.Enqueue((head, reason));

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
            heads._framing.Scan(buffer, _start, _refuse);
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
