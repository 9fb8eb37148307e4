namespace ActorProxy.Runtime.Http;

/// <summary>
/// The client's side of a transaction answered by a Lua HTTP service in the connection's own
/// process, as the service reads and writes it (HAProxy's AppletHTTP on its stream): the request
/// body as it arrives, the response head once the service starts it, then its body as the
/// connection takes it. Each operation completes when the connection has done it, so a service
/// that writes faster than its client reads waits, and one whose client left is stopped.
/// </summary>
public interface IHttpServiceStream
{
    /// <summary>True once the service must stop: its client is gone, its request broke HTTP's
    /// framing, or the <c>http-response</c> rules answered in its place.</summary>
    bool Stopped { get; }

    /// <summary>Cancelled once the client is gone.</summary>
    CancellationToken ClientGone { get; }

    /// <summary>Reads the next bytes of the request body into <paramref name="into"/>; 0 at its end.</summary>
    ValueTask<int> ReadBodyAsync(Memory<byte> into);

    /// <summary>Sends the response head of <paramref name="head"/> (status, reason, headers; its
    /// body is not used) through the <c>http-response</c> rules.</summary>
    Task StartResponseAsync(HttpReply head);

    /// <summary>Writes response body bytes; completes when the connection has taken them.</summary>
    Task WriteAsync(ReadOnlyMemory<byte> data);
}
