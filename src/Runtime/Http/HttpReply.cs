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

    /// <summary>A reply with a text body and its content type.</summary>
    public static HttpReply Text(int status, string contentType, string text)
    {
        var reply = new HttpReply(status);
        reply.Headers.Set("content-type", contentType);
        reply.Body.Write(System.Text.Encoding.UTF8.GetBytes(text));
        return reply;
    }
}
