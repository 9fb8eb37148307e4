using System.Net;
using ActorProxy.Runtime.Rules;

namespace ActorProxy.Runtime.Config;

/// <summary>A <c>use-backend NAME [if|unless COND]</c> rule.</summary>
/// <param name="Backend">The backend to use.</param>
/// <param name="Condition">When, or null for always.</param>
public sealed record BackendSwitch(string Backend, RuleCondition? Condition)
{
    /// <summary>For a name with <c>%</c> in it, the log-format it is (HAProxy's dynamic
    /// <c>use_backend</c>), resolved at run time; null for a backend's name.</summary>
    public Samples.LogFormat? Format { get; init; }
}

/// <summary>An <c>actorproxy.frontends.NAME</c> section: where clients connect and what rules apply.</summary>
public sealed record FrontendSettings
{
    /// <summary>The frontend's name.</summary>
    public required string Name { get; init; }

    /// <summary><c>bind</c>: the address and port to listen on.</summary>
    public required IPEndPoint Bind { get; init; }

    /// <summary>The TLS of <c>bind … ssl crt …</c>, or null for clear text.</summary>
    public BindSsl? Ssl { get; init; }

    /// <summary><c>bind … proto h2</c>: the bind speaks HTTP/2 only (in clear text, with prior knowledge).</summary>
    public bool Http2 { get; init; }

    /// <summary><c>mode</c>.</summary>
    public ProxyMode Mode { get; init; } = ProxyMode.Http;

    /// <summary><c>maxconn</c>: the most connections this frontend serves at once; 0 means the
    /// global <c>maxconn</c>, as in HAProxy. Beyond it the listener stops accepting.</summary>
    public int MaxConn { get; init; }

    /// <summary><c>backlog</c>: the accept queue asked of the system at listen(); 0 means the
    /// frontend's maxconn, as in HAProxy.</summary>
    public int Backlog { get; init; }

    /// <summary>The frontend's <c>timeout</c> settings.</summary>
    public FrontendTimeouts Timeouts { get; init; } = new();

    /// <summary><c>tcp-request</c> rules, in order.</summary>
    public IReadOnlyList<TcpRule> TcpRequest { get; init; } = [];

    /// <summary><c>tcp-request inspect-delay</c>: how long the content rules may wait for the
    /// client's data they need; null for none, when they run at once on what is there.</summary>
    public TimeSpan? InspectDelay { get; init; }

    /// <summary><c>http-request</c> rules, in order.</summary>
    public IReadOnlyList<HttpRule> HttpRequest { get; init; } = [];

    /// <summary><c>http-response</c> rules, in order.</summary>
    public IReadOnlyList<HttpRule> HttpResponse { get; init; } = [];

    /// <summary><c>use-backend</c> rules, in order; the first that holds wins.</summary>
    public IReadOnlyList<BackendSwitch> UseBackend { get; init; } = [];

    /// <summary><c>option http-buffer-request</c>: the request's body is read whole before the rules run.</summary>
    public bool BufferRequest { get; init; }

    /// <summary><c>option forwardfor</c>, or null.</summary>
    public ForwardFor? ForwardFor { get; init; }

    /// <summary>The access log, or null when the frontend logs nothing (no <c>log</c> line).</summary>
    public AccessLogSettings? Log { get; init; }

    /// <summary><c>capture request header</c> lines, in order.</summary>
    public IReadOnlyList<HeaderCapture> RequestCaptures { get; init; } = [];

    /// <summary><c>capture response header</c> lines, in order.</summary>
    public IReadOnlyList<HeaderCapture> ResponseCaptures { get; init; } = [];

    /// <summary>The frontend's stats page (<c>stats uri</c>), or null.</summary>
    public StatsPageSettings? StatsPage { get; init; }

    /// <summary><c>default-backend</c>, or null: a request no rule answers then gets 503.</summary>
    public string? DefaultBackend { get; init; }

    /// <summary>The backends a dynamic <c>use-backend</c> may resolve to: those of the
    /// configuration in the frontend's mode.</summary>
    public IReadOnlySet<string> Backends { get; init; } = new HashSet<string>();

    /// <summary>Every <c>lua.*</c> function the frontend's rules and <c>use-backend</c> conditions
    /// call, with the directive and the rule (or backend) that calls it.</summary>
    public IEnumerable<(string Directive, string Rule, Lua.LuaFunctionKind Kind, string Name)> LuaFunctions() =>
        HttpRequest.SelectMany(rule => rule.LuaFunctions().Select(f => ("http-request", rule.Text, f.Kind, f.Name)))
            .Concat(HttpResponse.SelectMany(rule => rule.LuaFunctions().Select(f => ("http-response", rule.Text, f.Kind, f.Name))))
            .Concat(UseBackend.SelectMany(use => (use.Condition?.LuaFunctions() ?? []).Select(f => ("use-backend", use.Backend, f.Kind, f.Name))))
            .Concat(TcpRequest.Where(rule => rule.Service is not null).Select(rule => ("tcp-request", rule.Text,
                rule.Action == TcpRuleAction.LuaAction ? Lua.LuaFunctionKind.TcpRequestAction : Lua.LuaFunctionKind.Service, rule.Service!)));

    /// <summary>True when the first part of a request's body must be read before its rules run:
    /// <c>option http-buffer-request</c>, or a rule reads <c>req.body</c> and the like.</summary>
    public bool ReadsBody =>
        BufferRequest ||
        HttpRequest.SelectMany(rule => rule.SampleExpressions())
            .Concat(UseBackend.SelectMany(use => use.Condition?.Acls.Select(acl => acl.Sample) ?? []))
            .Concat(UseBackend.SelectMany(use => use.Format?.Samples ?? []))
            .Any(sample => sample.Fetch.BuiltInFetch?.NeedsBody == true);

    /// <summary>True when its request rules or backend choice call Lua: only then must they run
    /// on the connection's worker (else they run where the request was read, with no hop).</summary>
    public bool RequestUsesLua => LuaFunctions().Any(f => f.Directive != "http-response");

    /// <summary>True when its <c>tcp-request</c> rules run a Lua action, so must run on the
    /// connection's worker; a <c>use-service</c> alone does not: the service is started after them.</summary>
    public bool TcpRequestUsesLua => TcpRequest.Any(rule => rule.Action == TcpRuleAction.LuaAction);

    /// <summary>True when a <c>tcp-request content</c> rule runs: the connection's first bytes are
    /// then read into its buffer for the rules (and Lua) to inspect before they go on.</summary>
    public bool InspectsContent => TcpRequest.Any(rule => !rule.OnConnection);

    /// <summary>True when its <c>http-response</c> rules call Lua, so must run on the worker.</summary>
    public bool ResponseUsesLua => HttpResponse.Any(rule => rule.LuaFunctions().Any());
}
