namespace ActorProxy.Runtime.Config;

/// <summary>A <c>server NAME ADDRESS:PORT</c> line of a backend.</summary>
/// <param name="Name">The server's name.</param>
/// <param name="Host">Its host or address.</param>
/// <param name="Port">Its port.</param>
/// <param name="Ssl">Its TLS (<c>ssl …</c> after the address), or null for clear text.</param>
/// <param name="Http2">True for <c>proto h2</c>.</param>
/// <param name="Weight">Its configured weight (<c>weight N</c>, HAProxy's iweight), 0 to 256.</param>
/// <param name="MaxConn">Its configured <c>maxconn</c>: the most sessions it serves at once, 0 for no limit.</param>
public sealed record ServerSettings(string Name, string Host, int Port, ServerSsl? Ssl = null, bool Http2 = false, int Weight = 1, int MaxConn = 0);

/// <summary><c>option httpchk</c>: active health checks.</summary>
/// <param name="Path">The path requested.</param>
/// <param name="Interval">Time between two checks (<c>inter</c>).</param>
/// <param name="Timeout">How long a check may take.</param>
/// <param name="Rise">Passed checks that bring a down server up (<c>rise</c>).</param>
/// <param name="Fall">Failed checks that take an up server down (<c>fall</c>).</param>
public sealed record HealthCheckSettings(string Path, TimeSpan Interval, TimeSpan Timeout, int Rise = HealthCheckSettings.DefaultRise, int Fall = HealthCheckSettings.DefaultFall)
{
    /// <summary>HAProxy's default <c>rise</c>.</summary>
    public const int DefaultRise = 2;

    /// <summary>HAProxy's default <c>fall</c>.</summary>
    public const int DefaultFall = 3;
}

/// <summary>An <c>actorproxy.backends.NAME</c> section: servers and how to reach them.</summary>
public sealed record BackendSettings
{
    /// <summary>The backend's name.</summary>
    public required string Name { get; init; }

    /// <summary><c>mode</c>.</summary>
    public ProxyMode Mode { get; init; } = ProxyMode.Http;

    /// <summary><c>balance</c>.</summary>
    public BalanceAlgorithm Balance { get; init; } = BalanceAlgorithm.RoundRobin;

    /// <summary>The servers, in the order written.</summary>
    public IReadOnlyList<ServerSettings> Servers { get; init; } = [];

    /// <summary><c>timeout connect</c>.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>timeout server</c>: the longest the server may stay silent.</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>timeout tunnel</c>: once a TCP connection is relayed, the inactivity allowed on
    /// both sides, superseding <c>timeout client</c> and <c>timeout server</c>; null when not set.</summary>
    public TimeSpan? TunnelTimeout { get; init; }

    /// <summary><c>timeout queue</c>: how long a request waits for a server at its maxconn, when
    /// set; HAProxy's default is <see cref="ConnectTimeout"/>.</summary>
    public TimeSpan? QueueTimeout { get; init; }

    /// <summary>Active health checks, or null for none (passive checks are always on).</summary>
    public HealthCheckSettings? HealthCheck { get; init; }

    /// <summary><c>option forwardfor</c>, or null.</summary>
    public ForwardFor? ForwardFor { get; init; }
}
