using ActorProxy.Runtime.Http;
using Microsoft.AspNetCore.Http;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// A request's connection as a Lua service of this process reads and writes it
/// (<see cref="IHttpServiceStream"/>): the body from Kestrel as it arrives, the head through the
/// <c>http-response</c> rules, each write awaited, so the service goes at its client's pace
/// (Kestrel's output buffer, then the socket's send window). Any failure stops the service.
/// </summary>
/// <param name="context">The request.</param>
/// <param name="responseRules">Runs the <c>http-response</c> rules on the head; returns the head
/// to send, or null when a rule answered in its place (its reply is written then).</param>
internal sealed class HttpServiceStream(HttpContext context, Func<HttpReply, Task<HttpReply?>> responseRules) : IHttpServiceStream
{
    private bool _stopped;

    /// <inheritdoc/>
    public bool Stopped => _stopped || context.RequestAborted.IsCancellationRequested;

    /// <inheritdoc/>
    public CancellationToken ClientGone => context.RequestAborted;

    /// <summary>Why the request body could not be read while its client is there (its framing
    /// broke: HAProxy's 400), or null.</summary>
    public Exception? BadBody { get; private set; }

    /// <summary>Parses what of the body came with the head, as HAProxy parses a message as it
    /// arrives: a chunk size that overflows is a 400 before any rule or service runs, whether or
    /// not the service reads the body. Nothing is taken.</summary>
    /// <exception cref="BadHttpRequestException">The body's framing broke.</exception>
    public static void CheckArrivedBody(HttpContext context)
    {
        var request = context.Request;
        // The web server's reader: one over a counting stream has nothing of its own to look at.
        var reader = AccessLog.HttpAccessLog.Of(context)?.ArrivedBody ?? request.BodyReader;
        if ((request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0) && reader.TryRead(out var arrived))
        {
            reader.AdvanceTo(arrived.Buffer.Start);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<int> ReadBodyAsync(Memory<byte> into)
    {
        try
        {
            return await context.Request.Body.ReadAsync(into, context.RequestAborted);
        }
        catch (Exception e)
        {
            _stopped = true;
            if (e is BadHttpRequestException or IOException && !context.RequestAborted.IsCancellationRequested)
            {
                BadBody = e;
            }
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task StartResponseAsync(HttpReply head)
    {
        try
        {
            if (await responseRules(head) is not { } sent)
            {
                _stopped = true;
                return;
            }
            HttpExchangeMapper.WriteHead(sent, context);
            await context.Response.StartAsync(context.RequestAborted);
        }
        catch
        {
            _stopped = true;
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task WriteAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            await context.Response.Body.WriteAsync(data, context.RequestAborted);
        }
        catch
        {
            _stopped = true;
            throw;
        }
    }
}
