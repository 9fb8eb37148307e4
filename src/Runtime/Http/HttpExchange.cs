namespace ActorProxy.Runtime.Http;

/// <summary>
/// One HTTP transaction as rules and Lua see it (HAProxy's <c>txn</c>): the request, later the
/// response, the transaction's variables, and the decisions rules took. A plain object, so it
/// can be handed to the worker that owns the connection, or snapshotted for the shared state.
/// </summary>
public sealed class HttpExchange : Samples.ILogSubject
{
    /// <summary>Creates an exchange for a request received by <paramref name="frontend"/>.</summary>
    public HttpExchange(string frontend, string method, string path, string? query, string version)
    {
        Frontend = frontend;
        Method = method;
        Path = path;
        Query = query;
        Version = version;
    }

    /// <summary>Makes a used exchange (from a pool) a new transaction: a new id, the request line
    /// given, everything else empty.</summary>
    public void Reset(string frontend, string method, string path, string? query, string version)
    {
        Id = Interlocked.Increment(ref s_nextId);
        Frontend = frontend;
        Method = method;
        Path = path;
        Query = query;
        Version = version;
        RequestHeaders.Clear();
        ResponseHeaders.Clear();
        RequestBody = [];
        ServiceStream = null;
        ServiceStreamed = false;
        ClientAddress = "";
        ClientPort = 0;
        UrlPrefix = "";
        LocalAddress = "";
        LocalPort = 0;
        Tls = null;
        Thread = 0;
        Status = 0;
        Reason = null;
        Variables.Reset();
        LogLevel = null;
        Ended = null;
        Backend = null;
        Server = null;
        Reply = null;
        AnsweredByService = false;
        Applet = null;
        Verdict = Rules.ActionVerdict.Continue;
        CloseWithoutReply = false;
        Suspension = null;
        Replay.Clear();
        HoldsPrivateValue = false;
        LuaGeneration = null;
        Tracked = null;
        RequestBuffer = null;
    }

    private static long s_nextId;

    /// <summary>A number unique to this transaction in the process.</summary>
    public long Id { get; set; } = Interlocked.Increment(ref s_nextId);

    /// <summary>The frontend that received the request.</summary>
    public string Frontend { get; private set; }

    /// <summary>The request method.</summary>
    public string Method { get; set; }

    /// <summary>The path, without the query string.</summary>
    public string Path { get; set; }

    /// <summary>The query string without its '?', or null when there is none.</summary>
    public string? Query { get; set; }

    /// <summary>The protocol version, such as <c>HTTP/1.1</c>.</summary>
    public string Version { get; private set; }

    /// <summary>The request header fields.</summary>
    public HttpHeaders RequestHeaders { get; } = new();

    /// <summary>The request body, when the frontend read it (services), else empty.</summary>
    public byte[] RequestBody { get; set; } = [];

    /// <summary>The client's connection, through which a Lua service answers the transaction as a
    /// stream (a service of the shared state through a relay of its own); null outside a frontend.</summary>
    public IHttpServiceStream? ServiceStream { get; set; }

    /// <summary>True once a service sent its answer through <see cref="ServiceStream"/>: there is
    /// nothing left to write but the end of the response.</summary>
    public bool ServiceStreamed { get; set; }

    /// <summary>The stick counters the stream tracks (sc0 to sc2, and its session's), or null
    /// where there is no stick table.</summary>
    public Stick.StickCounters? Tracked { get; set; }

    /// <summary>A TCP connection's data as its <c>tcp-request content</c> rules inspect it; null on
    /// an HTTP transaction, where HAProxy's payload fetches find no sample either.</summary>
    public TcpRequestBuffer? RequestBuffer { get; set; }

    /// <summary>The client's address (<c>src</c>).</summary>
    public string ClientAddress { get; set; } = "";

    /// <summary>The client's port (<c>src_port</c>).</summary>
    public int ClientPort { get; set; }

    /// <summary>The address the client connected to (<c>dst</c>).</summary>
    public string LocalAddress { get; set; } = "";

    /// <summary>The port the client connected to (<c>dst_port</c>).</summary>
    public int LocalPort { get; set; }

    /// <summary>The TLS of the client's connection, or null for clear text (<c>ssl_fc</c>).</summary>
    public TlsSession? Tls { get; set; }

    /// <summary>The worker thread the connection belongs to, from 0 (HAProxy's <c>thread</c>).</summary>
    public int Thread { get; set; }

    /// <summary>The response status, once a response is there.</summary>
    public int Status { get; set; }

    /// <summary>The response's reason phrase when a rule or Lua set one (<c>set-status N reason R</c>), else null.</summary>
    public string? Reason { get; set; }

    /// <summary>The response header fields, once a response is there.</summary>
    public HttpHeaders ResponseHeaders { get; } = new();

    /// <summary>True once the response is processed (the <c>http-response</c> rules run).</summary>
    public bool InResponse => Variables.InResponse;

    /// <summary>The variables the transaction sees, by HAProxy's scopes.</summary>
    public TransactionVariables Variables { get; } = new();

    /// <summary>The server the request was forwarded to (<c>%s</c> in a response rule's format), or null before one is chosen.</summary>
    public string? Server { get; set; }

    /// <summary>How the rules ended the stream, when they did (a deny, a return, a service), for
    /// the access log's termination state; null when it went on to a server.</summary>
    public Logging.Termination? Ended { get; set; }

    /// <summary>The log level set with <c>txn:set_loglevel</c> or <c>set-log-level</c>, as HAProxy
    /// keeps it in s-&gt;logs.level (the access log is at that value minus one; -1 is silent), or null
    /// for the default.</summary>
    public int? LogLevel { get; set; }

    /// <summary>The backend rules chose (<c>use-backend</c>), or null for the frontend's default.</summary>
    public string? Backend { get; set; }

    /// <summary>The response ActorProxy gives itself, set by <c>return</c>, <c>deny</c> or a service.</summary>
    public HttpReply? Reply { get; set; }

    /// <summary>True when <see cref="Reply"/> is a Lua service's answer: <c>http-response</c>
    /// rules then run on it, as HAProxy runs them on an applet's response (not on <c>return</c>,
    /// <c>deny</c> or <c>redirect</c>).</summary>
    public bool AnsweredByService { get; set; }

    /// <summary>The proxy's own service that answers the request instead of a server (HAProxy's
    /// built-in applets: <c>prometheus-exporter</c>), or null.</summary>
    public string? Applet { get; set; }

    /// <summary>What the last Lua action that ended asked for with its return value (or <c>txn:done</c>).</summary>
    public Rules.ActionVerdict Verdict { get; set; }

    /// <summary>True when <c>txn:done()</c> ended the transaction with no reply: the client's
    /// connection is closed without an answer, as HAProxy closes it.</summary>
    public bool CloseWithoutReply { get; set; }

    /// <summary>The Lua samples of the rule being run, kept while it waits for one of them.</summary>
    public Rules.SampleReplay Replay { get; } = new();

    /// <summary>A Lua action or service of this transaction that yielded and waits to be resumed.</summary>
    public Rules.IWaitingCall? Suspension { get; set; }

    /// <summary>True once Lua kept a private value for this transaction (<c>set_priv</c>): the
    /// state that keeps it must be told when the transaction ends.</summary>
    public bool HoldsPrivateValue { get; set; }

    /// <summary>The Lua generation whose states run this transaction's Lua, from its first rule
    /// run that calls Lua to its end, when <see cref="EndLua"/> gives the lease back; null while
    /// no Lua ran for it. A reload in between does not move it: it finishes where it started.</summary>
    public Lua.LuaGeneration? LuaGeneration { get; private set; }

    /// <summary>Binds the transaction to <paramref name="generation"/>, taking a lease, unless it
    /// is bound already; returns the generation it is bound to.</summary>
    public Lua.LuaGeneration BindLua(Lua.LuaGeneration generation)
    {
        if (LuaGeneration is null)
        {
            generation.Enter();
            LuaGeneration = generation;
        }
        return LuaGeneration;
    }

    /// <summary>The transaction's Lua is over: the lease on its generation is given back.</summary>
    public void EndLua()
    {
        LuaGeneration?.Leave();
        LuaGeneration = null;
    }

    /// <summary>The scheme and authority when the request line held an absolute URI
    /// (<c>http://host</c>), else empty.</summary>
    public string UrlPrefix { get; set; } = "";

    /// <summary>The URI as on the request line (<c>url</c>): the prefix, the path and the query.</summary>
    public string Url => Query is null ? UrlPrefix + Path : $"{UrlPrefix}{Path}?{Query}";

    /// <summary>Rewrites one part of the request line, as <c>set-path</c>, <c>set-query</c>,
    /// <c>set-method</c> and <c>set-uri</c> do: a URI is split into its prefix, path and query.</summary>
    public void SetRequestLinePart(Rules.RequestLinePart part, string value)
    {
        switch (part)
        {
            case Rules.RequestLinePart.Path:
                Path = value;
                break;
            case Rules.RequestLinePart.Query:
                Query = value;
                break;
            case Rules.RequestLinePart.Method:
                Method = value;
                break;
            default:
                int scheme = value.IndexOf("://", StringComparison.Ordinal);
                int pathStart = scheme >= 0 && !value.AsSpan(0, scheme).Contains('/') ? value.IndexOf('/', scheme + 3) : 0;
                if (pathStart < 0)
                {
                    pathStart = value.Length;
                }
                UrlPrefix = value[..pathStart];
                string rest = value[pathStart..];
                int question = rest.IndexOf('?', StringComparison.Ordinal);
                Path = question < 0 ? rest : rest[..question];
                Query = question < 0 ? null : rest[(question + 1)..];
                break;
        }
    }
}
