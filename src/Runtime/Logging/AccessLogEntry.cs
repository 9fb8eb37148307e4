using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Logging;

/// <summary>
/// What one access log line tells of an HTTP request or a TCP connection (HAProxy's
/// <c>strm_logs</c> and what <c>sess_build_logline</c> reads around it). Times are in
/// milliseconds from <see cref="AcceptDate"/>, as HAProxy's <c>t_*</c>, -1 when the step did not
/// happen.
/// </summary>
public sealed class AccessLogEntry : ILogSubject
{
    /// <inheritdoc/>
    public string ClientAddress { get; set; } = "";

    /// <inheritdoc/>
    public int ClientPort { get; set; }

    /// <inheritdoc/>
    public string LocalAddress { get; set; } = "";

    /// <inheritdoc/>
    public int LocalPort { get; set; }

    /// <inheritdoc/>
    public string Frontend { get; set; } = "";

    /// <inheritdoc/>
    public TlsSession? Tls { get; set; }

    /// <inheritdoc/>
    public string? Backend { get; set; }

    /// <inheritdoc/>
    public string? Server { get; set; }

    /// <summary>The chosen server's address (<c>%si</c>, <c>%sp</c>), or null.</summary>
    public System.Net.IPEndPoint? ServerAddress { get; set; }

    /// <summary>When the stream began, in the node's time zone: the connection's accept, or for a
    /// later request of a kept-alive connection the end of the one before (HAProxy's accept_date).</summary>
    public DateTimeOffset AcceptDate { get; set; }

    /// <summary>The connection's handshake (TLS), 0 for a later request (<c>%Th</c>).</summary>
    public int Handshake { get; set; }

    /// <summary>Waiting for the request's first byte (<c>%Ti</c>).</summary>
    public int Idle { get; set; }

    /// <summary>The whole request head was in (HAProxy's t_request: Th + Ti + TR), or -1.</summary>
    public int RequestReceived { get; set; } = -1;

    /// <summary>Left the queues (t_queue), or -1.</summary>
    public int Queued { get; set; } = -1;

    /// <summary>How many left the backend's queue from the moment the stream entered it until
    /// it did, itself included (HAProxy's prx_queue_pos, <c>%bq</c>); 0 when it never waited.</summary>
    public long BackendQueuePosition { get; set; }

    /// <summary>Connected to the server (t_connect), or -1.</summary>
    public int Connected { get; set; } = -1;

    /// <summary>The server's response head was in (t_data), or -1.</summary>
    public int ResponseReceived { get; set; } = -1;

    /// <summary>The end (t_close).</summary>
    public int Closed { get; set; }

    /// <summary>Bytes from the client (<c>%U</c>).</summary>
    public long BytesIn { get; set; }

    /// <summary>Bytes to the client (<c>%B</c>).</summary>
    public long BytesOut { get; set; }

    /// <summary>The response's status, 0 for none (<c>%ST</c>).</summary>
    public int Status { get; set; }

    /// <summary>How it ended (<c>%ts</c>).</summary>
    public Termination Termination { get; set; } = Termination.Normal;

    /// <summary>The node's connections at the end (<c>%ac</c>).</summary>
    public int ActiveConnections { get; set; }

    /// <summary>The frontend's connections at the end (<c>%fc</c>).</summary>
    public int FrontendConnections { get; set; }

    /// <summary>The backend's streams at the end (<c>%bc</c>).</summary>
    public int BackendConnections { get; set; }

    /// <summary>The server's streams at the end (<c>%sc</c>).</summary>
    public int ServerConnections { get; set; }

    /// <summary>Connection retries (<c>%rc</c>).</summary>
    public int Retries { get; set; }

    /// <summary>True when a retry went to another server (<c>+</c> before <c>%rc</c>).</summary>
    public bool Redispatched { get; set; }

    /// <summary>The request line as received, <c>GET /a?b HTTP/1.1</c> (HAProxy's txn-&gt;uri), or null
    /// for none (a request that never came or did not parse: <c>&lt;BADREQ&gt;</c>).</summary>
    public string? RequestLine { get; set; }

    /// <summary>The <c>capture request header</c> values, one per capture (null where absent).</summary>
    public string?[] RequestCaptures { get; set; } = [];

    /// <summary>The <c>capture response header</c> values.</summary>
    public string?[] ResponseCaptures { get; set; } = [];

    /// <summary>The transaction, for the log-format's samples; null for none.</summary>
    public HttpExchange? Transaction { get; set; }

    /// <summary>The level chosen by <c>set-log-level</c> or <c>txn:set_loglevel</c>, as HAProxy keeps
    /// it (<c>s-&gt;logs.level</c>): 0 the default, -1 silent, otherwise the level plus one.</summary>
    public int LevelOverride { get; set; }
}
