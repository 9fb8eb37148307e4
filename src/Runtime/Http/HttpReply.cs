namespace ActorProxy.Runtime.Http;

/// <summary>A response ActorProxy makes itself instead of forwarding: <c>return</c>,
/// <c>deny</c>, <c>redirect</c>, a Lua service, or an error.</summary>
public sealed class HttpReply
{
    // HAProxy's http_err_msgs (http.c): the reason on the status line and the page's message,
    // for the status codes it has a page for.
    private static readonly Dictionary<int, (string Reason, string Message)> ErrorPages = new()
    {
        [200] = ("OK", "Service ready."),
        [400] = ("Bad request", "Your browser sent an invalid request."),
        [401] = ("Unauthorized", "You need a valid user and password to access this content."),
        [403] = ("Forbidden", "Request forbidden by administrative rules."),
        [404] = ("Not Found", "The resource could not be found."),
        [405] = ("Method Not Allowed", "A request was made of a resource using a request method not supported by that resource"),
        [407] = ("Unauthorized", "You need a valid user and password to access this content."),
        [408] = ("Request Time-out", "Your browser didn't send a complete request in time."),
        [410] = ("Gone", "The resource is no longer available and will not be available again."),
        [413] = ("Payload Too Large", "The request entity exceeds the maximum allowed."),
        [421] = ("Misdirected Request", "Request sent to a non-authoritative server."),
        [422] = ("Unprocessable Content", "The server cannot process the contained instructions."),
        [425] = ("Too Early", "Your browser sent early data."),
        [429] = ("Too Many Requests", "You have sent too many requests in a given amount of time."),
        [500] = ("Internal Server Error", "An internal server error occurred."),
        [501] = ("Not Implemented", ".The server does not support the functionality required to fulfill the request."),
        [502] = ("Bad Gateway", "The server returned an invalid or incomplete response."),
        [503] = ("Service Unavailable", "No server is available to handle this request."),
        [504] = ("Gateway Time-out", "The server didn't respond in time."),
    };

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

    /// <summary>True when HAProxy has an error page for <paramref name="status"/> (<c>http_err_codes</c>).</summary>
    public static bool HasErrorPage(int status) => ErrorPages.ContainsKey(status);

    /// <summary>HAProxy's own error page for <paramref name="status"/>, byte for byte, with its
    /// reason phrase, so that clients and tests see the same answers from both.</summary>
    /// <exception cref="ArgumentOutOfRangeException">HAProxy has no page for the status.</exception>
    public static HttpReply ErrorPage(int status)
    {
        if (!ErrorPages.TryGetValue(status, out var page))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "HAProxy has no error page for this status");
        }
        var reply = new HttpReply(status) { Reason = page.Reason };
        reply.Headers.Set("cache-control", "no-cache");
        if (status is 400 or 408)
        {
            // HAProxy closes the connection after these two.
            reply.Headers.Set("connection", "close");
        }
        reply.Headers.Set("content-type", "text/html");
        reply.Body.Write(System.Text.Encoding.UTF8.GetBytes($"<html><body><h1>{status} {page.Reason}</h1>\n{page.Message}\n</body></html>\n"));
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
