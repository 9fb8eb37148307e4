namespace ActorProxy.Runtime.Config;

/// <summary>
/// A frontend's <c>timeout</c> directives, as HAProxy 2.6 has them; null is "not set", which in
/// HAProxy means no timeout (it warns about a missing <c>timeout client</c>).
/// </summary>
public sealed record FrontendTimeouts
{
    /// <summary><c>timeout client</c>: the longest the client may stay silent while it is
    /// expected to send or to take what is sent to it.</summary>
    public TimeSpan? Client { get; init; }

    /// <summary><c>timeout http-request</c>: the longest a complete request head may take.</summary>
    public TimeSpan? HttpRequest { get; init; }

    /// <summary><c>timeout http-keep-alive</c>: the longest the wait for the next request may be.</summary>
    public TimeSpan? HttpKeepAlive { get; init; }

    /// <summary>The wait for a request head: <c>timeout http-request</c>, else <c>timeout client</c>.</summary>
    public TimeSpan? RequestHead => HttpRequest ?? Client;

    /// <summary>The wait for the next request: <c>timeout http-keep-alive</c>, else the request head's.</summary>
    public TimeSpan? NextRequest => HttpKeepAlive ?? RequestHead;
}
