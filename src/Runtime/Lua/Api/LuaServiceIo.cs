using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// One Lua HTTP service's side of its transaction (HAProxy's AppletHTTP context): the response
/// it builds, whether its head is sent, and the request body it has read but not taken. With a
/// <see cref="IHttpServiceStream"/> the body is read as the service asks for it and the response
/// goes out as it is sent; without one (a transaction made outside a frontend) the service reads
/// the body the transaction holds and its response is whole when it ends.
/// </summary>
internal sealed class LuaServiceIo
{
    // What one read asks of the connection at most; the body a service has not taken stays
    // within what it asked for, plus one read.
    private const int ReadSize = 16 * 1024;

    private byte[] _body;
    private int _start;
    private int _end;
    private bool _ended;

    public LuaServiceIo(HttpExchange exchange)
    {
        Stream = exchange.ServiceStream;
        _body = Stream is null ? exchange.RequestBody : [];
        _end = _body.Length;
        _ended = Stream is null;
    }

    /// <summary>The response: status, reason and headers; its body too without a stream.</summary>
    public HttpReply Reply { get; } = new(200);

    /// <summary>The connection, or null when the answer goes out whole.</summary>
    public IHttpServiceStream? Stream { get; }

    /// <summary>True once <c>start_response</c> ran.</summary>
    public bool HeadSent { get; private set; }

    /// <summary>True when the answer went out through the stream.</summary>
    public bool Streamed => HeadSent && Stream is not null;

    /// <summary>start_response: the operation that sends the head, or null when there is nothing to wait for.</summary>
    public Task? StartResponse()
    {
        HeadSent = true;
        var start = Stream?.StartResponseAsync(Reply);
        return start is { IsCompletedSuccessfully: true } ? null : start;
    }

    /// <summary>send: the write to wait for, or null when it is done (or kept for the end).</summary>
    public Task? Send(ReadOnlySpan<byte> data)
    {
        if (Stream is null)
        {
            Reply.Body.Write(data);
            return null;
        }
        var write = Stream.WriteAsync(data.ToArray());
        return write.IsCompletedSuccessfully ? null : write;
    }

    /// <summary>receive([size]): <paramref name="size"/> bytes (all to the end when null), fewer at
    /// the end; null when more must be read first, <paramref name="reading"/> then says when.</summary>
    public byte[]? Take(long? size, out Task? reading)
    {
        while (true)
        {
            int available = _end - _start;
            if (size is null ? _ended : available >= size || _ended)
            {
                reading = null;
                return Consume(size is null ? available : (int)Math.Min(size.Value, available));
            }
            if (!TryReadNow(out reading))
            {
                return null;
            }
        }
    }

    /// <summary>getline: a line, "\n" included, or the rest at the end; null when more must be read first.</summary>
    public byte[]? TakeLine(out Task? reading)
    {
        while (true)
        {
            int newline = _body.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0 || _ended)
            {
                reading = null;
                return Consume(newline >= 0 ? newline + 1 : _end - _start);
            }
            if (!TryReadNow(out reading))
            {
                return null;
            }
        }
    }

    // Reads more; true when it is done already (what the connection had buffered), so the
    // service goes on without a wait.
    private bool TryReadNow(out Task? reading)
    {
        var read = ReadMore();
        reading = read.IsCompletedSuccessfully ? null : read;
        return reading is null;
    }

    private byte[] Consume(int count)
    {
        byte[] taken = _body.AsSpan(_start, count).ToArray();
        _start += count;
        return taken;
    }

    private async Task ReadMore()
    {
        if (_start > 0)
        {
            // What was taken makes room for what comes.
            _body.AsSpan(_start, _end - _start).CopyTo(_body);
            (_start, _end) = (0, _end - _start);
        }
        if (_body.Length - _end < ReadSize)
        {
            Array.Resize(ref _body, Math.Max(_body.Length * 2, _end + ReadSize));
        }
        int read = await Stream!.ReadBodyAsync(_body.AsMemory(_end));
        _end += read;
        _ended = read == 0;
    }
}
