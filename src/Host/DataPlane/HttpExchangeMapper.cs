using ActorProxy.Runtime.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ActorProxy.Host.DataPlane;

/// <summary>Copies a request between ASP.NET Core's <see cref="HttpContext"/> and the
/// <see cref="HttpExchange"/> that rules and Lua work on, and writes ActorProxy's own replies.</summary>
internal static class HttpExchangeMapper
{
    /// <summary>Makes <paramref name="exchange"/> the request's transaction. With a
    /// <paramref name="bodyLimit"/>, the first bytes of its body, up to that many, are read into
    /// the transaction's <see cref="HttpExchange.RequestBody"/> (<c>req.body</c>), and the request's
    /// body becomes those bytes then the rest, for forwarding or a service.</summary>
    public static async Task FillFromRequestAsync(HttpExchange exchange, HttpContext context, string frontend, int bodyLimit, int thread)
    {
        var request = context.Request;
        exchange.Reset(frontend, request.Method, request.Path.Value ?? "/",
            request.QueryString.HasValue ? request.QueryString.Value![1..] : null, request.Protocol);
        exchange.ClientAddress = context.Connection.RemoteIpAddress?.ToString() ?? "";
        exchange.ClientPort = context.Connection.RemotePort;
        exchange.LocalAddress = context.Connection.LocalIpAddress?.ToString() ?? "";
        exchange.LocalPort = context.Connection.LocalPort;
        exchange.Tls = TlsTermination.SessionOf(context.Features);
        exchange.Thread = thread;
        // An absolute URI on the request line (a proxy request) keeps its scheme and authority
        // in url, as HAProxy's url gives the URI as received.
        string? target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (target is not null && target.Length > 0 && target[0] != '/' && target.IndexOf("://", StringComparison.Ordinal) is > 0 and var scheme)
        {
            int path = target.IndexOf('/', scheme + 3);
            exchange.UrlPrefix = path < 0 ? target : target[..path];
        }
        foreach (var (name, values) in request.Headers)
        {
            foreach (string? value in values)
            {
                exchange.RequestHeaders.Add(name, value ?? "");
            }
        }
        exchange.RequestHeaders.AcceptChanges();
        if (bodyLimit > 0 && (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0))
        {
            byte[] prefix = new byte[(int)Math.Min(bodyLimit, request.ContentLength ?? bodyLimit)];
            int read = 0;
            while (read < prefix.Length && await request.Body.ReadAsync(prefix.AsMemory(read), context.RequestAborted) is > 0 and var more)
            {
                read += more;
            }
            exchange.RequestBody = read == prefix.Length ? prefix : prefix[..read];
            request.Body = new PrefixedBodyStream(exchange.RequestBody, request.Body);
        }
    }

    /// <summary>Applies what the rules changed to the request that will be forwarded: of the
    /// headers, only the fields they touched.</summary>
    public static void ApplyRequest(HttpExchange exchange, HttpContext context)
    {
        var request = context.Request;
        if (request.Method != exchange.Method)
        {
            request.Method = exchange.Method;
        }
        if (request.Path.Value != exchange.Path)
        {
            request.Path = new PathString(exchange.Path);
        }
        string query = exchange.Query is null ? "" : "?" + exchange.Query;
        if ((request.QueryString.Value ?? "") != query)
        {
            request.QueryString = new QueryString(query);
        }
        ApplyChanges(exchange.RequestHeaders, request.Headers);
    }

    /// <summary>Fills the exchange's response part from the backend's response.</summary>
    public static void ReadResponse(HttpContext context, HttpExchange exchange)
    {
        exchange.Status = context.Response.StatusCode;
        exchange.Reason = context.Features.Get<IHttpResponseFeature>()?.ReasonPhrase;
        foreach (var (name, values) in context.Response.Headers)
        {
            foreach (string? value in values)
            {
                exchange.ResponseHeaders.Add(name, value ?? "");
            }
        }
        exchange.ResponseHeaders.AcceptChanges();
    }

    /// <summary>Applies what the response rules changed: of the headers, only the fields they touched.</summary>
    public static void ApplyResponse(HttpExchange exchange, HttpContext context)
    {
        context.Response.StatusCode = exchange.Status;
        SetReason(context, exchange.Reason);
        ApplyChanges(exchange.ResponseHeaders, context.Response.Headers);
    }

    /// <summary>Makes a Lua service's answer the exchange's response, for the <c>http-response</c> rules.</summary>
    public static void ReadResponse(HttpReply reply, HttpExchange exchange)
    {
        exchange.Status = reply.Status;
        exchange.Reason = reply.Reason;
        foreach (var (name, value) in reply.Headers.Fields)
        {
            exchange.ResponseHeaders.Add(name, value);
        }
        exchange.ResponseHeaders.AcceptChanges();
    }

    /// <summary>Puts what the <c>http-response</c> rules made of a service's answer back into it.</summary>
    public static void ApplyResponse(HttpExchange exchange, HttpReply reply)
    {
        reply.Status = exchange.Status;
        reply.Reason = exchange.Reason;
        reply.Headers.Clear();
        foreach (var (name, value) in exchange.ResponseHeaders.Fields)
        {
            reply.Headers.Add(name, value);
        }
    }

    /// <summary>Sets the status line and headers of a response a service streams; the body follows
    /// as it is sent (chunked unless the service gave a content-length, as HAProxy's applets).</summary>
    public static void WriteHead(HttpReply head, HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = head.Status;
        SetReason(context, head.Reason ?? HttpReasons.Of(head.Status));
        CopyHeaders(head.Headers, response.Headers);
        response.Headers.Remove("transfer-encoding");
    }

    /// <summary>Writes an ActorProxy reply (<c>return</c>, <c>deny</c>, a service, an error).</summary>
    public static async Task WriteReplyAsync(HttpReply reply, HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = reply.Status;
        SetReason(context, reply.Reason ?? HttpReasons.Of(reply.Status));
        CopyHeaders(reply.Headers, response.Headers);
        response.Headers.Remove("transfer-encoding");
        response.ContentLength = reply.Body.Length;
        await response.Body.WriteAsync(reply.Body.GetBuffer().AsMemory(0, (int)reply.Body.Length), context.RequestAborted);
    }

    // The reason phrase on the status line; null gives the standard one for the status.
    private static void SetReason(HttpContext context, string? reason)
    {
        if (context.Features.Get<IHttpResponseFeature>() is { } feature && feature.ReasonPhrase != reason)
        {
            feature.ReasonPhrase = reason;
        }
    }

    private static void ApplyChanges(HttpHeaders from, IHeaderDictionary to)
    {
        if (from.WasCleared)
        {
            CopyHeaders(from, to);
            return;
        }
        foreach (string name in from.ChangedNames)
        {
            CopyField(from, name, to);
        }
    }

    private static void CopyHeaders(HttpHeaders from, IHeaderDictionary to)
    {
        to.Clear();
        foreach (var (name, _) in from.Fields)
        {
            if (!to.ContainsKey(name))
            {
                CopyField(from, name, to);
            }
        }
    }

    // Every value of one field name, in order, as one entry; no entry when there is none.
    private static void CopyField(HttpHeaders from, string name, IHeaderDictionary to)
    {
        var values = StringValues.Empty;
        foreach (string value in from.GetValues(name))
        {
            values = StringValues.Concat(values, value);
        }
        if (values.Count == 0)
        {
            to.Remove(name);
        }
        else
        {
            to[name] = values;
        }
    }
}
