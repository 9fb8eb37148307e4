namespace ActorProxy.Runtime.Stats;

/// <summary>
/// The counters of one frontend, backend or server, as HAProxy's <c>fe_counters</c> and
/// <c>be_counters</c> (a server's are a backend's): what <c>show stat</c>, the Prometheus exporter
/// and the stats page read. Each is updated with one atomic operation, so every request may count.
/// </summary>
/// <param name="time">The clock of the rates and of <see cref="LastSession"/>.</param>
public sealed class ProxyCounters(TimeProvider time)
{
    private long _clientAborts;
    private long _serverAborts;
    private long _internalErrors;
    private long _connects;
    private long _reuses;
    private long _lastSession = -1;
    private long _connections;
    private long _deniedConnections;
    private long _sessions;
    private long _requests;
    private long _bytesIn;
    private long _bytesOut;
    private long _deniedRequests;
    private long _requestErrors;
    private long _connectionErrors;
    private long _responseErrors;
    private long _intercepted;
    private long _deniedResponses;
    private long _loadBalanced;
    private long _retries;
    private long _redispatches;
    private int _maxSessions;
    private readonly long[] _responses = new long[ResponseClasses.Count];

    /// <summary>A frontend's accepted connections (<c>conn_tot</c>).</summary>
    public long Connections => Volatile.Read(ref _connections);

    /// <summary>A frontend's connections closed by <c>tcp-request connection reject</c> (<c>dcon</c>).</summary>
    public long DeniedConnections => Volatile.Read(ref _deniedConnections);

    /// <summary>Sessions, HAProxy's <c>stot</c> (<c>cum_sess</c>): a frontend's accepted
    /// connections, a backend's or server's streams given to it.</summary>
    public long Sessions => Volatile.Read(ref _sessions);

    /// <summary>HTTP requests (<c>req_tot</c>).</summary>
    public long Requests => Volatile.Read(ref _requests);

    /// <summary>Bytes from the clients (<c>bin</c>), counted as HAProxy counts them.</summary>
    public long BytesIn => Volatile.Read(ref _bytesIn);

    /// <summary>Bytes to the clients (<c>bout</c>).</summary>
    public long BytesOut => Volatile.Read(ref _bytesOut);

    /// <summary>Requests denied by a rule (<c>dreq</c>).</summary>
    public long DeniedRequests => Volatile.Read(ref _deniedRequests);

    /// <summary>Responses denied by a rule (<c>dresp</c>).</summary>
    public long DeniedResponses => Volatile.Read(ref _deniedResponses);

    /// <summary>Requests refused as malformed (<c>ereq</c>).</summary>
    public long RequestErrors => Volatile.Read(ref _requestErrors);

    /// <summary>Connections to a server that failed (<c>econ</c>).</summary>
    public long ConnectionErrors => Volatile.Read(ref _connectionErrors);

    /// <summary>Responses that failed after the connection was made (<c>eresp</c>).</summary>
    public long ResponseErrors => Volatile.Read(ref _responseErrors);

    /// <summary>Requests answered by the frontend itself: services, redirects (<c>intercepted</c>).</summary>
    public long Intercepted => Volatile.Read(ref _intercepted);

    /// <summary>Times a server was chosen by load balancing (<c>lbtot</c>).</summary>
    public long LoadBalanced => Volatile.Read(ref _loadBalanced);

    /// <summary>Retries on another server (<c>wretr</c>).</summary>
    public long Retries => Volatile.Read(ref _retries);

    /// <summary>Redispatches (<c>wredis</c>).</summary>
    public long Redispatches => Volatile.Read(ref _redispatches);

    /// <summary>The most sessions at once seen (<c>smax</c>).</summary>
    public int MaxSessions => Volatile.Read(ref _maxSessions);

    /// <summary>Sessions per second (<c>rate</c>, <c>rate_max</c>).</summary>
    public EventRate SessionRate { get; } = new(time);

    /// <summary>A frontend's HTTP requests per second (<c>req_rate</c>, <c>req_rate_max</c>).</summary>
    public EventRate RequestRate { get; } = new(time);

    /// <summary>A frontend's connections per second (<c>conn_rate</c>, <c>conn_rate_max</c>).</summary>
    public EventRate ConnectionRate { get; } = new(time);

    /// <summary>When the last session began, as Unix milliseconds, or -1 (<c>lastsess</c>).</summary>
    public long LastSession => Interlocked.Read(ref _lastSession);

    /// <summary>Transfers the client aborted (<c>cli_abrt</c>).</summary>
    public long ClientAborts => Volatile.Read(ref _clientAborts);

    /// <summary>Transfers the server aborted (<c>srv_abrt</c>).</summary>
    public long ServerAborts => Volatile.Read(ref _serverAborts);

    /// <summary>Internal errors (<c>eint</c>).</summary>
    public long InternalErrors => Volatile.Read(ref _internalErrors);

    /// <summary>New connections made to servers (<c>connect</c>).</summary>
    public long Connects => Volatile.Read(ref _connects);

    /// <summary>Requests sent over a connection already open (<c>reuse</c>).</summary>
    public long Reuses => Volatile.Read(ref _reuses);

    /// <summary>How many samples the times are averaged over so far: HAProxy counts requests in
    /// HTTP, load-balanced connections in TCP.</summary>
    public long TimeSamples => Requests > 0 ? Requests : LoadBalanced;

    /// <summary>Time in the queue (<c>qtime</c>).</summary>
    public SlidingTimeAverage QueueTime { get; } = new();

    /// <summary>Time to connect (<c>ctime</c>).</summary>
    public SlidingTimeAverage ConnectTime { get; } = new();

    /// <summary>Time to the response's head (<c>rtime</c>).</summary>
    public SlidingTimeAverage ResponseTime { get; } = new();

    /// <summary>Time of the whole stream (<c>ttime</c>).</summary>
    public SlidingTimeAverage TotalTime { get; } = new();

    /// <summary>HTTP responses of one class (<c>hrsp_1xx</c>…<c>hrsp_other</c>).</summary>
    public long Responses(int responseClass) => Volatile.Read(ref _responses[responseClass]);

    /// <summary>A frontend accepted a connection, with <paramref name="current"/> open now.</summary>
    public void CountConnection(int current)
    {
        Interlocked.Increment(ref _connections);
        ConnectionRate.Count();
        NoteCurrent(current);
    }

    /// <summary>A <c>tcp-request connection</c> rule refused a connection.</summary>
    public void CountDeniedConnection() => Interlocked.Increment(ref _deniedConnections);

    /// <summary>A session begins, with <paramref name="current"/> at once now.</summary>
    public void CountSession(int current)
    {
        Interlocked.Increment(ref _sessions);
        SessionRate.Count();
        Interlocked.Exchange(ref _lastSession, time.GetUtcNow().ToUnixTimeMilliseconds());
        NoteCurrent(current);
    }

    /// <summary>Notes how many sessions there are at once now, for <see cref="MaxSessions"/>.</summary>
    public void NoteCurrent(int current) => AtomicMax.Update(ref _maxSessions, current);

    /// <summary>An HTTP request is counted (HAProxy counts it once its head is parsed).</summary>
    public void CountRequest()
    {
        Interlocked.Increment(ref _requests);
        RequestRate.Count();
    }

    /// <summary>The client aborted a transfer.</summary>
    public void CountClientAbort() => Interlocked.Increment(ref _clientAborts);

    /// <summary>The server aborted a transfer.</summary>
    public void CountServerAbort() => Interlocked.Increment(ref _serverAborts);

    /// <summary>An internal error ended a stream.</summary>
    public void CountInternalError() => Interlocked.Increment(ref _internalErrors);

    /// <summary>A request went over a new connection to its server, or over one kept open.</summary>
    public void CountConnect(bool reused) => Interlocked.Increment(ref reused ? ref _reuses : ref _connects);

    /// <summary>A stream's bytes, each way.</summary>
    public void CountBytes(long bytesIn, long bytesOut)
    {
        Interlocked.Add(ref _bytesIn, bytesIn);
        Interlocked.Add(ref _bytesOut, bytesOut);
    }

    /// <summary>An HTTP response's status is counted in its class.</summary>
    public void CountResponse(int status) => Interlocked.Increment(ref _responses[ResponseClasses.Of(status)]);

    /// <summary>A rule denied a request.</summary>
    public void CountDenied() => Interlocked.Increment(ref _deniedRequests);

    /// <summary>A rule denied a response.</summary>
    public void CountDeniedResponse() => Interlocked.Increment(ref _deniedResponses);

    /// <summary>A request was refused as malformed.</summary>
    public void CountRequestError() => Interlocked.Increment(ref _requestErrors);

    /// <summary>A connection to a server failed.</summary>
    public void CountConnectionError() => Interlocked.Increment(ref _connectionErrors);

    /// <summary>A response failed once connected.</summary>
    public void CountResponseError() => Interlocked.Increment(ref _responseErrors);

    /// <summary>The frontend answered a request itself.</summary>
    public void CountIntercepted() => Interlocked.Increment(ref _intercepted);

    /// <summary>Load balancing chose this server (or a server of this backend).</summary>
    public void CountLoadBalanced() => Interlocked.Increment(ref _loadBalanced);

    /// <summary>A request was retried on another server (HAProxy's redispatch counts both).</summary>
    public void CountRedispatch()
    {
        Interlocked.Increment(ref _retries);
        Interlocked.Increment(ref _redispatches);
    }
}
