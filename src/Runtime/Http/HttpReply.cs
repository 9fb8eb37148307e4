namespace ActorProxy.Runtime.Http;

/// <summary>A response ActorProxy makes itself instead of forwarding: <c>return</c>,
/// <c>deny</c>, a Lua service, or an error.</summary>
public sealed class HttpReply
{
    /// <summary>Creates a reply with <paramref name="status"/>.</summary>
    public HttpReply(int status)
    {
        Status = status;
    }

    /// <summary>The status code.</summary>
    public int Status { get; set; }

    /// <summary>The reason phrase, when one other than the standard is wanted.</summary>
    public string? Reason { get; set; }

    /// <summary>The header fields.</summary>
    public HttpHeaders Headers { get; } = new();

    /// <summary>The body.</summary>
    public System.IO.MemoryStream Body { get; } = new();

    /// <summary>The standard reason phrase of <paramref name="status"/>.</summary>
    public static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    };

    /// <summary>HAProxy's own error page for <paramref name="status"/>, byte for byte, so that
    /// clients and tests see the same answers from both.</summary>
    public static HttpReply ErrorPage(int status)
    {
        string message = status switch
        {
            400 => "Your browser sent an invalid request.",
            403 => "Request forbidden by administrative rules.",
            404 => "The requested URL was not found on this server.",
            429 => "You have sent too many requests in a given amount of time.",
            500 => "An internal server error occurred.",
            502 => "The server returned an invalid or incomplete response.",
            503 => "No server is available to handle this request.",
            504 => "The server didn't respond in time.",
            _ => ReasonPhrase(status),
        };
        var reply = Text(status, "text/html", $"<html><body><h1>{status} {ReasonPhrase(status)}</h1>\n{message}\n</body></html>\n");
        reply.Headers.Set("cache-control", "no-cache");
        return reply;
    }

    /// <summary>A reply with a text body and its content type.</summary>
    public static HttpReply Text(int status, string contentType, string text)
    {
        var reply = new HttpReply(status);
        reply.Headers.Set("content-type", contentType);
        reply.Body.Write(System.Text.Encoding.UTF8.GetBytes(text));
        return reply;
    }
}
