namespace ActorProxy.Runtime.Http;

/// <summary>
/// What Lua may read and change of a transaction, as plain data: it travels with a call into the
/// shared state, which may run on another node of the cluster, and comes back with what changed.
/// Lists are arrays, which every serializer can rebuild.
/// </summary>
/// <param name="Id">The transaction's number.</param>
/// <param name="Frontend">The frontend.</param>
/// <param name="Method">The request method.</param>
/// <param name="Path">The path.</param>
/// <param name="Query">The query string, or null.</param>
/// <param name="Version">The protocol version.</param>
/// <param name="ClientAddress">The client's address.</param>
/// <param name="ClientPort">The client's port.</param>
/// <param name="RequestHeaders">The request header fields, in order.</param>
/// <param name="Status">The response status, 0 before the response.</param>
/// <param name="ResponseHeaders">The response header fields, in order.</param>
/// <param name="Variables">The transaction's variables but <c>proc.*</c> (those of its session, its own, those of its request or response).</param>
/// <param name="RequestBody">The request body a service may read.</param>
/// <param name="Connection">Where the connection came in: local address and port, worker thread, URI prefix.</param>
/// <param name="Reason">The response's reason phrase, when one was set.</param>
/// <param name="Verdict">What the last action asked for (<see cref="Rules.ActionVerdict"/>).</param>
/// <param name="CloseWithoutReply">True when <c>txn:done()</c> closed the transaction with no reply.</param>
/// <param name="InResponse">True once the response is processed (<c>res.*</c> variables).</param>
/// <param name="ServiceStreamed">True once a service sent its answer through the client's stream.</param>
/// <param name="LogLevel">The log level <c>txn:set_loglevel</c> set, or null.</param>
/// <param name="Buffer">A TCP connection's request buffer, for a tcp-request content action; null otherwise.</param>
public sealed record HttpExchangeSnapshot(
    long Id, string Frontend, string Method, string Path, string? Query, string Version,
    string ClientAddress, int ClientPort,
    IReadOnlyList<KeyValuePair<string, string>> RequestHeaders,
    int Status, IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders,
    IReadOnlyDictionary<string, object> Variables, byte[] RequestBody,
    HttpConnectionSnapshot Connection, string? Reason, int Verdict, bool CloseWithoutReply, bool InResponse,
    bool ServiceStreamed = false, int? LogLevel = null, TcpBufferSnapshot? Buffer = null)
{
    /// <summary>Takes the snapshot of <paramref name="exchange"/>.</summary>
    public static HttpExchangeSnapshot Of(HttpExchange exchange) => new(
        exchange.Id, exchange.Frontend, exchange.Method, exchange.Path, exchange.Query, exchange.Version,
        exchange.ClientAddress, exchange.ClientPort,
        exchange.RequestHeaders.Fields.ToArray(), exchange.Status, exchange.ResponseHeaders.Fields.ToArray(),
        exchange.Variables.Local.ToDictionary(v => v.Key, v => AddressSample.ToPlain(v.Value)), exchange.RequestBody,
        new HttpConnectionSnapshot(exchange.LocalAddress, exchange.LocalPort, exchange.Thread, exchange.UrlPrefix, exchange.Tls),
        exchange.Reason, (int)exchange.Verdict, exchange.CloseWithoutReply, exchange.Variables.InResponse,
        exchange.ServiceStreamed, exchange.LogLevel, TcpBufferSnapshot.Of(exchange.RequestBuffer));

    /// <summary>A transaction to run Lua on, made from the snapshot.</summary>
    public HttpExchange ToExchange()
    {
        var exchange = new HttpExchange(Frontend, Method, Path, Query, Version)
        {
            Id = Id,
            ClientAddress = ClientAddress,
            ClientPort = ClientPort,
            RequestBody = RequestBody,
            Status = Status,
            LocalAddress = Connection.LocalAddress,
            LocalPort = Connection.LocalPort,
            Thread = Connection.Thread,
            UrlPrefix = Connection.UrlPrefix,
            Tls = Connection.Tls,
        };
        ApplyTo(exchange);
        return exchange;
    }

    /// <summary>Copies what Lua may have changed into <paramref name="exchange"/>.</summary>
    public void ApplyTo(HttpExchange exchange)
    {
        exchange.Method = Method;
        exchange.Path = Path;
        exchange.Query = Query;
        exchange.Status = Status;
        exchange.Reason = Reason;
        exchange.Verdict = (Rules.ActionVerdict)Verdict;
        exchange.CloseWithoutReply = CloseWithoutReply;
        exchange.ServiceStreamed = ServiceStreamed;
        exchange.LogLevel = LogLevel;
        if (Buffer is { } buffer)
        {
            buffer.ApplyTo(exchange.RequestBuffer ??= new TcpRequestBuffer(buffer.Capacity, buffer.Limit));
        }
        Replace(exchange.RequestHeaders, RequestHeaders);
        Replace(exchange.ResponseHeaders, ResponseHeaders);
        exchange.Variables.Replace(Variables.Select(v => KeyValuePair.Create(v.Key, AddressSample.FromPlain(v.Value))), InResponse);
    }

    // Only a set of fields that differs counts as a change.
    private static void Replace(HttpHeaders headers, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        if (headers.Fields.SequenceEqual(fields))
        {
            return;
        }
        foreach (string name in headers.Fields.Select(f => f.Key).Distinct(StringComparer.OrdinalIgnoreCase).ToArray())
        {
            headers.Remove(name);
        }
        foreach (var (name, value) in fields)
        {
            headers.Add(name, value);
        }
    }
}

/// <summary>A TCP connection's request buffer in a snapshot, so that a tcp-request content action
/// of the shared state reads and changes it as a worker's does.</summary>
/// <param name="Capacity">Its size.</param>
/// <param name="Limit">Where its input stops.</param>
/// <param name="Data">Its input.</param>
/// <param name="Output">What Lua passed on already.</param>
/// <param name="Closed">True once the client closed its side.</param>
/// <param name="Final">True once the inspection is over.</param>
public sealed record TcpBufferSnapshot(int Capacity, int Limit, byte[] Data, byte[] Output, bool Closed, bool Final)
{
    /// <summary>The snapshot of <paramref name="buffer"/>, or null for none.</summary>
    public static TcpBufferSnapshot? Of(TcpRequestBuffer? buffer) =>
        buffer is null ? null : new(buffer.Capacity, buffer.Limit, buffer.Data, buffer.Output, buffer.Closed, buffer.Final);

    /// <summary>Copies what Lua may have changed (the input and the output) into <paramref name="buffer"/>,
    /// and the state the rules read.</summary>
    public void ApplyTo(TcpRequestBuffer buffer)
    {
        buffer.Data = Data;
        buffer.Output = Output;
        buffer.Closed = Closed;
        buffer.Final = Final;
    }
}

/// <summary>An address sample (<c>set-var(txn.ip) src</c>) as plain data in a snapshot; the
/// other sample types (integers, booleans, strings, bytes) travel as they are.</summary>
/// <param name="Text">The address as text.</param>
public sealed record AddressSample(string Text)
{
    /// <summary>A sample as plain data.</summary>
    public static object ToPlain(object sample) => sample is System.Net.IPAddress ip ? new AddressSample(ip.ToString()) : sample;

    /// <summary>A sample again from plain data.</summary>
    public static object FromPlain(object value) => value is AddressSample address ? System.Net.IPAddress.Parse(address.Text) : value;
}

/// <summary>Where a transaction's connection came in, as plain data.</summary>
/// <param name="LocalAddress">The address the client connected to.</param>
/// <param name="LocalPort">The port the client connected to.</param>
/// <param name="Thread">The worker thread of the connection, from 0.</param>
/// <param name="UrlPrefix">The scheme and authority of an absolute request URI, or empty.</param>
/// <param name="Tls">The connection's TLS, or null for clear text.</param>
public sealed record HttpConnectionSnapshot(string LocalAddress, int LocalPort, int Thread, string UrlPrefix, TlsSession? Tls = null);

/// <summary>A service's response as plain data, to come back from the shared state.</summary>
/// <param name="Status">The status.</param>
/// <param name="Reason">The reason phrase, if not the standard one.</param>
/// <param name="Headers">The header fields.</param>
/// <param name="Body">The body.</param>
public sealed record HttpReplySnapshot(int Status, string? Reason, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>Takes the snapshot of <paramref name="reply"/>.</summary>
    public static HttpReplySnapshot Of(HttpReply reply) => new(reply.Status, reply.Reason, reply.Headers.Fields.ToArray(), reply.Body.ToArray());

    /// <summary>The reply again.</summary>
    public HttpReply ToReply()
    {
        var reply = new HttpReply(Status) { Reason = Reason };
        foreach (var (name, value) in Headers)
        {
            reply.Headers.Add(name, value);
        }
        reply.Body.Write(Body);
        return reply;
    }
}
