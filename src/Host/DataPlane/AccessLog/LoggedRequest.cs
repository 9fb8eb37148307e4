using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Logging;

namespace ActorProxy.Host.DataPlane.AccessLog;

/// <summary>An HTTP request whose frontend logs, while it runs: its log line's entry, the clock's
/// timestamp its times count from, and the counters of its bodies.</summary>
internal sealed class LoggedRequest(AccessLogEntry entry, long start, CountingResponseBody responseBody)
{
    /// <summary>The line's content, filled in as the request goes.</summary>
    public AccessLogEntry Entry { get; } = entry;

    /// <summary>Where the stream began (the entry's accept date), as a clock timestamp.</summary>
    public long Start { get; } = start;

    /// <summary>The response body's counter.</summary>
    public CountingResponseBody ResponseBody { get; } = responseBody;

    /// <summary>The request body's counter, for a chunked request (a Content-Length says it otherwise).</summary>
    public CountingStream? RequestBody { get; set; }

    /// <summary>True when the server's body came chunked: HAProxy counts the end of its trailers.</summary>
    public bool ServerChunked { get; set; }

    /// <summary>The length of the request line's three words, for <c>%U</c>.</summary>
    public int RequestLineWords { get; init; }

    /// <summary>The request sent to the server, once it is.</summary>
    public HttpRequestMessage? ProxyRequest { get; set; }

    /// <summary>The transaction kept for the log-format's samples until the line is written, then
    /// given back to its pool.</summary>
    public HttpExchange? HeldTransaction { get; set; }

    /// <summary>The web server's own reader of a counted body (<see cref="RequestBody"/> reads
    /// through it), to look at what has arrived without reading it.</summary>
    public System.IO.Pipelines.PipeReader? ArrivedBody { get; set; }

    /// <summary>True when its frontend writes a line per request; else only the counters read the entry.</summary>
    public bool Logs { get; init; }

    /// <summary>True when the request was refused as HAProxy's parser refuses one (a request error).</summary>
    public bool Malformed { get; set; }

    /// <summary>What the request's stream tracks in the stick tables (the rules' track-sc), counted
    /// as it goes and let go when it ends; null where the configuration has no stick table.</summary>
    public Runtime.Stick.StickCounters? Stick { get; init; }

    /// <summary>True when a Lua service answered: its status counts for the stick counters, as a
    /// server's does (an applet's response goes through HAProxy's response analysers).</summary>
    public bool ServiceAnswered { get; set; }
}
