using ActorProxy.Runtime.Http;
using Akka.Actor;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// A shared-state HTTP service's view of its client's connection, which is in the node that
/// called it: each operation is a message to the connection's <see cref="ServiceStreamRelay"/>,
/// answered once done there. A write is cut into pieces that fit akka.remote's frame. An
/// operation that gets no answer in <see cref="OperationTimeout"/> (the relay's node is gone)
/// stops the service.
/// </summary>
internal sealed class RelayedServiceStream(IActorRef relay) : IHttpServiceStream
{
    /// <summary>The longest one operation may wait: a client reading 32 kB slower than this is dropped.</summary>
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(60);

    /// <inheritdoc/>
    public bool Stopped { get; private set; }

    /// <inheritdoc/>
    public CancellationToken ClientGone => CancellationToken.None;

    /// <inheritdoc/>
    public async ValueTask<int> ReadBodyAsync(Memory<byte> into)
    {
        var read = await Ask<ServiceBodyRead>(new ReadServiceBody(Math.Min(into.Length, ServiceStreamRelay.PieceSize)));
        Stopped |= read.Stopped;
        read.Data.CopyTo(into);
        return read.Data.Length;
    }

    /// <inheritdoc/>
    public async Task StartResponseAsync(HttpReply head) =>
        Stopped |= (await Ask<ServiceStreamDone>(new StartServiceResponse(HttpReplySnapshot.Of(head)))).Stopped;

    /// <inheritdoc/>
    public async Task WriteAsync(ReadOnlyMemory<byte> data)
    {
        for (int start = 0; start < data.Length && !Stopped; start += ServiceStreamRelay.PieceSize)
        {
            var piece = data.Slice(start, Math.Min(ServiceStreamRelay.PieceSize, data.Length - start));
            Stopped |= (await Ask<ServiceStreamDone>(new WriteServiceBody(piece.ToArray()))).Stopped;
        }
    }

    private async Task<T> Ask<T>(object operation)
    {
        try
        {
            return await relay.Ask<T>(operation, OperationTimeout);
        }
        catch (AskTimeoutException)
        {
            Stopped = true;
            throw;
        }
    }
}
