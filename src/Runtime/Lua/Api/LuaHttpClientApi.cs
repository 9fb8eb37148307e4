using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// HAProxy's HTTPClient class (<c>core.httpclient()</c>) in one state, on .NET's HTTP client. A
/// request is an operation the running coroutine waits for, as a Socket's are: it yields, and
/// the state's owner resumes it once the answer is in. Requests are HAProxy 2.6's: HTTP/1.1, the
/// script's header fields then <c>Host</c> (from the URL), <c>Accept: */*</c> and
/// <c>User-Agent: HAProxy</c> unless the script gave them, a body sent chunked unless the script
/// gave its length; a server that cannot be reached answers HAProxy's 503 page, one that runs
/// past the request's timeout its 504 page.
/// </summary>
public sealed class LuaHttpClientApi
{
    private const string Internal = "__actorproxy_httpclient";
    private static readonly byte[] Source = LuaResources.Read("ActorProxy.Runtime.Lua.Api.HttpClient.lua");

    // One client per destination for the whole process: .NET's clients are meant to be shared
    // (their connection pools), and a destination given by `dst` needs its own pool. Scripts may
    // make up destinations without end: past this many, a new one gets a client for its request only.
    private const int PooledDestinations = 64;
    private static readonly ConcurrentDictionary<string, HttpMessageInvoker> s_clients = new(StringComparer.Ordinal);

    private readonly Dictionary<long, Task<HttpReply>> _pending = [];
    private long _nextId;

    private LuaHttpClientApi()
    {
    }

    /// <summary>Installs <c>core.httpclient</c> into <paramref name="state"/>, which must have <c>core</c>.</summary>
    public static LuaHttpClientApi Install(LuaState state)
    {
        var api = new LuaHttpClientApi();
        // A file's body runs in no transaction or task: HAProxy has no client there.
        state.Expose(Internal, "can_wait", call => call.Return(call.State.Running is not null && !call.State.LoadingFiles));
        state.Expose(Internal, "start", api.Start);
        state.Expose(Internal, "result", api.Result);
        state.RunModule(Source, "httpclient", 0);
        return api;
    }

    // start(method, url, body, timeout, dst, name, value, …) → id, or nil and HAProxy's message.
    private int Start(LuaCall call)
    {
        string method = call.GetString(1);
        string url = call.GetString(2);
        byte[]? body = call.IsNoneOrNil(3) ? null : call.GetBytes(3);
        TimeSpan timeout = call.IsNoneOrNil(4) ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Max(0, call.GetInteger(4)));
        string dst = call.IsNoneOrNil(5) ? "" : call.GetString(5);
        var fields = new List<KeyValuePair<string, string>>();
        for (int arg = 6; arg + 1 <= call.ArgumentCount; arg += 2)
        {
            fields.Add(new(call.GetString(arg), call.GetString(arg + 1)));
        }
        if (dst.Length > 0 && LuaAddress.Parse(dst) is null)
        {
            return call.ReturnNil() + call.Return("Can't use the 'dst' argument");
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return call.ReturnNil() + call.Return("Can't generate the HTTP request");
        }
        if (call.State.Running is not { } context)
        {
            return call.ReturnNil() + call.Return("The 'get' function is only allowed in 'frontend', 'backend' or 'task'");
        }
        var exchange = SendAsync(dst, Request(method, uri, body, fields), timeout);
        long id = ++_nextId;
        _pending.Add(id, exchange);
        context.AwaitOperation(exchange);
        return call.Return(id);
    }

    // result(id) → status, reason, body, then each header field's name (lower case) and value.
    private int Result(LuaCall call)
    {
        if (!_pending.Remove(call.GetInteger(1), out var exchange) || !exchange.IsCompletedSuccessfully)
        {
            return call.Fail($"{call.Name}: no answer for this request");
        }
        var reply = exchange.Result;
        int count = call.Return(reply.Status) + call.Return(reply.Reason ?? "") + call.Return(reply.Body.ToArray());
        foreach (var field in reply.Headers.Fields)
        {
            count += call.Return(field.Key) + call.Return(field.Value);
        }
        return count;
    }

    private static HttpRequestMessage Request(string method, Uri uri, byte[]? body, List<KeyValuePair<string, string>> fields)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), uri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
        }
        bool accept = false, agent = false, length = false;
        foreach (var (name, value) in fields)
        {
            accept |= name.Equals("accept", StringComparison.OrdinalIgnoreCase);
            agent |= name.Equals("user-agent", StringComparison.OrdinalIgnoreCase);
            length |= name.Equals("content-length", StringComparison.OrdinalIgnoreCase);
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (!accept)
        {
            request.Headers.TryAddWithoutValidation("Accept", "*/*");
        }
        if (!agent)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", "HAProxy");
        }
        // HAProxy streams the body without a length: chunked, unless the script set one.
        request.Headers.TransferEncodingChunked = body is not null && !length;
        return request;
    }

    private static async Task<HttpReply> SendAsync(string dst, HttpRequestMessage request, TimeSpan timeout)
    {
        bool pooled = s_clients.TryGetValue(dst, out var client) || s_clients.Count < PooledDestinations;
        client = pooled ? s_clients.GetOrAdd(dst, NewClient) : NewClient(dst);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            using var response = await client.SendAsync(request, deadline.Token);
            var reply = new HttpReply((int)response.StatusCode) { Reason = response.ReasonPhrase ?? "" };
            foreach (var header in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
            {
                string name = header.Key.ToLowerInvariant();
                if (name is "connection" or "keep-alive")
                {
                    // HAProxy's HTTP/1 layer keeps the connection's own fields out of the message
                    // it hands over (Transfer-Encoding stays).
                    continue;
                }
                foreach (string value in header.Value)
                {
                    reply.Headers.Add(name, value);
                }
            }
            await response.Content.CopyToAsync(reply.Body, deadline.Token);
            return reply;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return Page(504);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError)
        {
            return Page(503);
        }
        catch (HttpRequestException)
        {
            return Page(502);
        }
        finally
        {
            request.Dispose();
            if (!pooled)
            {
                client.Dispose();
            }
        }
    }

    // HAProxy's error page as its HTTP client hands it over: with its length.
    private static HttpReply Page(int status)
    {
        var page = HttpReply.ErrorPage(status);
        page.Headers.Set("content-length", page.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return page;
    }

    private static HttpMessageInvoker NewClient(string dst)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (LuaAddress.Parse(dst) is { } endPoint)
        {
            handler.ConnectCallback = async (_, cancel) =>
            {
                var socket = endPoint is UnixDomainSocketEndPoint
                    ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                    : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(endPoint, cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        return new HttpMessageInvoker(handler);
    }
}
