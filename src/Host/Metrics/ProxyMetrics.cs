using System.Diagnostics.Metrics;
using ActorProxy.Actors.Lua;
using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Health;
using ActorProxy.Runtime.Stats;
using Akka.Actor;
using Akka.Cluster;

namespace ActorProxy.Host.Metrics;

/// <summary>
/// The node's metrics as <see cref="System.Diagnostics.Metrics"/> instruments, under HAProxy's
/// Prometheus exporter names where HAProxy has the metric (<c>haproxy_frontend_*</c>,
/// <c>haproxy_backend_*</c>, <c>haproxy_server_*</c>, read from <see cref="ProxyStats"/> and the
/// live connection counts) and ActorProxy's own beside them (<c>actorproxy_lua_*</c> per Lua state,
/// the workers' mailboxes, the cluster's members). Every instrument is observable: nothing is
/// computed until a scrape reads it.
/// </summary>
internal sealed class ProxyMetrics : IDisposable
{
    private readonly ProxyNode _node;
    private readonly ILiveStats _live;
    private readonly IServerStates _servers;
    private readonly Meter _meter;
    private IReadOnlyList<LuaStateStatus> _lua = [];

    private static int _instances;

    /// <summary>A meter name of its own for the next node: exporters listen by name, and the nodes
    /// of one process (tests) must not see each other's instruments.</summary>
    public static string NextMeterName() => $"ActorProxy.Node{Interlocked.Increment(ref _instances)}";

    public ProxyMetrics(string meterName, ProxyNode node, ILiveStats live, IServerStates servers)
    {
        _node = node;
        _live = live;
        _servers = servers;
        _meter = new Meter(meterName);
        DefineFrontends();
        DefineBackends();
        DefineServers();
        DefineNode();
    }

    /// <summary>Reads what only the actors know (each Lua state's counters) for the next scrape;
    /// a state that does not answer in time is left out of it.</summary>
    public async Task RefreshAsync()
    {
        var states = _node.Workers.Prepend(_node.SharedLua);
        var answers = await Task.WhenAll(states.Select(async state =>
        {
            try
            {
                return await state.Ask<LuaStateStatus>(GetLuaStateStatus.Instance, ProxyNode.StatusTimeout);
            }
            catch (AskTimeoutException)
            {
                return null;
            }
        }));
        _lua = answers.OfType<LuaStateStatus>().ToArray();
    }

    private IEnumerable<(FrontendSettings Frontend, ProxyCounters Counters)> Frontends(bool httpOnly = false) =>
        _node.Config.Frontends.Where(f => !httpOnly || f.Mode == ProxyMode.Http).Select(f => (f, _node.Stats.Frontend(f.Name)));

    private IEnumerable<(BackendSettings Backend, ProxyCounters Counters)> Backends(bool httpOnly = false) =>
        _node.Config.Backends.Where(b => !httpOnly || b.Mode == ProxyMode.Http).Select(b => (b, _node.Stats.Backend(b.Name)!));

    private IEnumerable<(BackendSettings Backend, ServerSettings Server, ProxyCounters Counters)> Servers(bool httpOnly = false) =>
        Backends(httpOnly).SelectMany(b => b.Backend.Servers.Select(s => (b.Backend, s, _node.Stats.Server(b.Backend.Name, s.Name)!)));

    private static KeyValuePair<string, object?> Label(string name, object? value) => new(name, value);

    private void Counter(string name, string help, Func<IEnumerable<Measurement<long>>> measure) =>
        _meter.CreateObservableCounter(name, measure, description: help);

    private void Gauge(string name, string help, Func<IEnumerable<Measurement<double>>> measure) =>
        _meter.CreateObservableGauge(name, measure, description: help);

    // HAProxy's names without the _total its exporter adds to counters, as the Prometheus exporter adds it.
    private void PerFrontend(string name, string help, Func<ProxyCounters, long> value, bool httpOnly = false) =>
        Counter($"haproxy_frontend_{name}", help, () => Frontends(httpOnly).Select(f => new Measurement<long>(value(f.Counters), Label("proxy", f.Frontend.Name))));

    private void PerBackend(string name, string help, Func<ProxyCounters, long> value, bool httpOnly = false) =>
        Counter($"haproxy_backend_{name}", help, () => Backends(httpOnly).Select(b => new Measurement<long>(value(b.Counters), Label("proxy", b.Backend.Name))));

    private void PerServer(string name, string help, Func<ProxyCounters, long> value) =>
        Counter($"haproxy_server_{name}", help, () => Servers().Select(s =>
            new Measurement<long>(value(s.Counters), Label("proxy", s.Backend.Name), Label("server", s.Server.Name))));

    private void DefineFrontends()
    {
        // HAProxy's exporter: DOWN once the frontend is stopped; a paused one is UP.
        Gauge("haproxy_frontend_status", "Current status of the service, per state label value.", () => Frontends().SelectMany(f =>
        {
            bool stopped = _live.FrontendState(f.Frontend) == ListenerState.Stopped;
            return new[]
            {
                new Measurement<double>(stopped ? 1 : 0, Label("proxy", f.Frontend.Name), Label("state", "DOWN")),
                new Measurement<double>(stopped ? 0 : 1, Label("proxy", f.Frontend.Name), Label("state", "UP")),
            };
        }));
        Gauge("haproxy_frontend_current_sessions", "Number of current sessions on the frontend, backend or server",
            () => Frontends().Select(f => new Measurement<double>(_live.FrontendSessions(f.Frontend), Label("proxy", f.Frontend.Name))));
        Gauge("haproxy_frontend_max_sessions", "Highest value of current sessions encountered since process started",
            () => Frontends().Select(f => new Measurement<double>(f.Counters.MaxSessions, Label("proxy", f.Frontend.Name))));
        Gauge("haproxy_frontend_limit_sessions", "Frontend/listener/server's maxconn, backend's fullconn",
            () => Frontends().Select(f => new Measurement<double>(_live.FrontendLimit(f.Frontend), Label("proxy", f.Frontend.Name))));
        PerFrontend("sessions", "Total number of sessions since process started", c => c.Sessions);
        PerFrontend("connections", "Total number of new connections accepted on this frontend since the worker process started", c => c.Connections);
        PerFrontend("bytes_in", "Total number of request bytes since process started", c => c.BytesIn);
        PerFrontend("bytes_out", "Total number of response bytes since process started", c => c.BytesOut);
        PerFrontend("requests_denied", "Total number of denied requests since process started", c => c.DeniedRequests);
        PerFrontend("responses_denied", "Total number of denied responses since process started", c => c.DeniedResponses);
        PerFrontend("request_errors", "Total number of invalid requests since process started", c => c.RequestErrors);
        PerFrontend("denied_connections", "Total number of incoming connections blocked on a listener/frontend by a tcp-request connection rule since the worker process started", c => c.DeniedConnections);
        PerFrontend("http_requests", "Total number of HTTP requests processed by this object since the worker process started", c => c.Requests, httpOnly: true);
        PerFrontend("intercepted_requests", "Total number of HTTP requests intercepted on the frontend (redirects/stats/services) since the worker process started", c => c.Intercepted, httpOnly: true);
        Counter("haproxy_frontend_http_responses", "Total number of HTTP responses with status 100-199 returned by this object since the worker process started",
            () => Frontends(httpOnly: true).SelectMany(f => ByClass(f.Counters, Label("proxy", f.Frontend.Name))));
    }

    private void DefineBackends()
    {
        Gauge("haproxy_backend_status", "Current status of the service, per state label value.", () => Backends().SelectMany(b =>
        {
            // HAProxy's: up while its usable servers weigh something, or when it has none.
            bool up = b.Backend.Servers.Count == 0 || _servers.List().Any(s => s.Backend == b.Backend.Name && s.Usable);
            return new[]
            {
                new Measurement<double>(up ? 0 : 1, Label("proxy", b.Backend.Name), Label("state", "DOWN")),
                new Measurement<double>(up ? 1 : 0, Label("proxy", b.Backend.Name), Label("state", "UP")),
            };
        }));
        Gauge("haproxy_backend_current_sessions", "Number of current sessions on the frontend, backend or server",
            () => Backends().Select(b => new Measurement<double>(_live.InFlight(b.Backend.Name, null), Label("proxy", b.Backend.Name))));
        Gauge("haproxy_backend_max_sessions", "Highest value of current sessions encountered since process started",
            () => Backends().Select(b => new Measurement<double>(b.Counters.MaxSessions, Label("proxy", b.Backend.Name))));
        Gauge("haproxy_backend_active_servers", "Total number of active UP servers with a non-zero weight",
            () => Backends().Select(b => new Measurement<double>(_servers.List().Count(s => s.Backend == b.Backend.Name && s.Usable), Label("proxy", b.Backend.Name))));
        Gauge("haproxy_backend_weight", "Server's effective weight, or sum of active servers' effective weights for a backend",
            () => Backends().Select(b => new Measurement<double>(_servers.List().Where(s => s.Backend == b.Backend.Name && s.Usable).Sum(s => s.Weight), Label("proxy", b.Backend.Name))));
        PerBackend("sessions", "Total number of sessions since process started", c => c.Sessions);
        PerBackend("bytes_in", "Total number of request bytes since process started", c => c.BytesIn);
        PerBackend("bytes_out", "Total number of response bytes since process started", c => c.BytesOut);
        PerBackend("connection_errors", "Total number of failed connections to server since the worker process started", c => c.ConnectionErrors);
        PerBackend("response_errors", "Total number of invalid responses since the worker process started", c => c.ResponseErrors);
        PerBackend("retry_warnings", "Total number of server connection retries since the worker process started", c => c.Retries);
        PerBackend("redispatch_warnings", "Total number of server redispatches due to connection failures since the worker process started", c => c.Redispatches);
        PerBackend("loadbalanced", "Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)", c => c.LoadBalanced);
        PerBackend("http_requests", "Total number of HTTP requests processed by this object since the worker process started", c => c.Requests, httpOnly: true);
        Counter("haproxy_backend_http_responses", "Total number of HTTP responses with status 100-199 returned by this object since the worker process started",
            () => Backends(httpOnly: true).SelectMany(b => ByClass(b.Counters, Label("proxy", b.Backend.Name))));
        DefineTimes("backend", () => Backends().Select(b => (b.Counters, new[] { Label("proxy", (object?)b.Backend.Name) })));
    }

    // The checks' metrics, of checked servers only (promex skips the others), as the stat fields
    // they come from: the failures and down transitions while checks are enabled, the status,
    // code and duration while they run.
    private void DefineServerChecks()
    {
        Counter("haproxy_server_check_failures_total", "Total number of failed individual health checks per server/backend, since the worker process started",
            () => Checked(c => c.ChecksEnabled).Select(s => new Measurement<long>(s.Checks.FailedChecks, ServerLabels(s.State))));
        Counter("haproxy_server_check_up_down_total", "Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started",
            () => Checked(c => c.ChecksEnabled).Select(s => new Measurement<long>(s.Checks.DownTransitions, ServerLabels(s.State))));
        Gauge("haproxy_server_check_status", "Status of last health check, per state label value.", () => Checked(c => c.Reported).SelectMany(s =>
            CheckStatusLabels.Select(label => new Measurement<double>(
                s.Checks.LastCheck is { } last && last.Status.Abbreviation() == label ? 1 : 0,
                [.. ServerLabels(s.State), Label("state", label)]))));
        Gauge("haproxy_server_check_code", "layer5-7 code, if available of the last health check.", () => Checked(c => c.Reported).Select(s =>
            new Measurement<double>(s.Checks.InProgress ? 0 : s.Checks.LastCheck?.Code ?? 0, ServerLabels(s.State))));
        Gauge("haproxy_server_check_duration_seconds", "Total duration of the latest server health check, in seconds.", () => Checked(c => c.LastCheck is not null).Select(s =>
            new Measurement<double>(s.Checks.LastCheck!.Duration.TotalSeconds, ServerLabels(s.State))));
    }

    // HAProxy's check statuses of a check that ended (check_statuses, from HANA on).
    private static readonly string[] CheckStatusLabels =
        ["HANA", "SOCKERR", "L4OK", "L4TOUT", "L4CON", "L6OK", "L6TOUT", "L6RSP", "L7TOUT", "L7RSP", "L7OK", "L7OKC", "L7STS", "PROCERR", "PROCTOUT", "PROCOK"];

    private IEnumerable<(ServerState State, ServerHealthView Checks)> Checked(Func<ServerHealthView, bool> shown) =>
        _servers.List().Where(s => s.Checks is { Checked: true } checks && shown(checks)).Select(s => (s, s.Checks!));

    private static KeyValuePair<string, object?>[] ServerLabels(ServerState server) => [Label("proxy", server.Backend), Label("server", server.Server)];

    private void DefineServers()
    {
        string[] states = ["DOWN", "UP", "MAINT", "DRAIN", "NOLB"];
        Gauge("haproxy_server_status", "Current status of the service, per state label value.", () => _servers.List().SelectMany(s =>
        {
            string state = StatCsv.StateOf(s);
            return states.Select(name => new Measurement<double>(name == state ? 1 : 0, Label("proxy", s.Backend), Label("server", s.Server), Label("state", name)));
        }));
        DefineServerChecks();
        Gauge("haproxy_server_weight", "Server's effective weight, or sum of active servers' effective weights for a backend",
            () => _servers.List().Select(s => new Measurement<double>(s.Weight, Label("proxy", s.Backend), Label("server", s.Server))));
        Gauge("haproxy_server_current_sessions", "Number of current sessions on the frontend, backend or server",
            () => Servers().Select(s => new Measurement<double>(_live.InFlight(s.Backend.Name, s.Server.Name), Label("proxy", s.Backend.Name), Label("server", s.Server.Name))));
        Gauge("haproxy_server_max_sessions", "Highest value of current sessions encountered since process started",
            () => Servers().Select(s => new Measurement<double>(s.Counters.MaxSessions, Label("proxy", s.Backend.Name), Label("server", s.Server.Name))));
        PerServer("sessions", "Total number of sessions since process started", c => c.Sessions);
        PerServer("bytes_in", "Total number of request bytes since process started", c => c.BytesIn);
        PerServer("bytes_out", "Total number of response bytes since process started", c => c.BytesOut);
        PerServer("connection_errors", "Total number of failed connections to server since the worker process started", c => c.ConnectionErrors);
        PerServer("response_errors", "Total number of invalid responses since the worker process started", c => c.ResponseErrors);
        PerServer("retry_warnings", "Total number of server connection retries since the worker process started", c => c.Retries);
        PerServer("redispatch_warnings", "Total number of server redispatches due to connection failures since the worker process started", c => c.Redispatches);
        PerServer("loadbalanced", "Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)", c => c.LoadBalanced);
        Counter("haproxy_server_http_responses", "Total number of HTTP responses with status 100-199 returned by this object since the worker process started",
            () => Servers(httpOnly: true).SelectMany(s => ByClass(s.Counters, Label("proxy", s.Backend.Name), Label("server", s.Server.Name))));
        DefineTimes("server", () => Servers().Select(s => (s.Counters, new[] { Label("proxy", (object?)s.Backend.Name), Label("server", s.Server.Name) })));
    }

    // The four times of a backend or a server, averaged and at most, in seconds as HAProxy's exporter gives them.
    private void DefineTimes(string kind, Func<IEnumerable<(ProxyCounters Counters, KeyValuePair<string, object?>[] Labels)>> owners)
    {
        (string Name, string Average, string Max, Func<ProxyCounters, SlidingTimeAverage> Of)[] times =
        [
            ("queue", "Avg. queue time for last 1024 successful connections.", "Maximum observed time spent in the queue", c => c.QueueTime),
            ("connect", "Avg. connect time for last 1024 successful connections.", "Maximum observed time spent waiting for a connection to complete", c => c.ConnectTime),
            ("response", "Avg. response time for last 1024 successful connections.", "Maximum observed time spent waiting for a server response", c => c.ResponseTime),
            ("total", "Avg. total time for last 1024 successful connections.", "Maximum observed total request+response time (request+queue+connect+response+processing)", c => c.TotalTime),
        ];
        foreach (var time in times)
        {
            Gauge($"haproxy_{kind}_{time.Name}_time_average_seconds", time.Average, () => owners().Select(o =>
                new Measurement<double>(time.Of(o.Counters).Average(o.Counters.TimeSamples) / 1000.0, o.Labels)));
            Gauge($"haproxy_{kind}_max_{time.Name}_time_seconds", time.Max, () => owners().Select(o =>
                new Measurement<double>(time.Of(o.Counters).Max / 1000.0, o.Labels)));
        }
    }

    private void DefineNode()
    {
        Counter("actorproxy_lua_calls", "Lua functions called by rules and services, per Lua state (0: the shared state)",
            () => _lua.Select(s => new Measurement<long>(s.Calls, Label("state", s.StateId))));
        Counter("actorproxy_lua_errors", "Lua calls that failed, per Lua state",
            () => _lua.Select(s => new Measurement<long>(s.Errors, Label("state", s.StateId))));
        Counter("actorproxy_lua_timeouts", "Lua calls stopped by their tune.lua timeout, per Lua state",
            () => _lua.Select(s => new Measurement<long>(s.Timeouts, Label("state", s.StateId))));
        Gauge("actorproxy_lua_memory_bytes", "Memory the Lua state holds",
            () => _lua.Select(s => new Measurement<double>(s.MemoryBytes, Label("state", s.StateId))));
        Gauge("actorproxy_lua_tasks", "Lua tasks running in the state",
            () => _lua.Select(s => new Measurement<double>(s.Tasks, Label("state", s.StateId))));
        Gauge("actorproxy_worker_mailbox_depth", "Messages waiting in a worker's mailbox",
            () => _node.Workers.Select((w, i) => new Measurement<double>(w is ActorRefWithCell local ? local.Underlying.NumberOfMessages : 0, Label("worker", i + 1))));
        Gauge("actorproxy_cluster_members", "Members of the cluster this node sees, by status (none for a node that runs alone)", ClusterMembers);
    }

    private IEnumerable<Measurement<double>> ClusterMembers()
    {
        if (((ExtendedActorSystem)_node.System).Provider is not Akka.Cluster.ClusterActorRefProvider)
        {
            return [];
        }
        return Cluster.Get(_node.System).State.Members.GroupBy(m => m.Status)
            .Select(g => new Measurement<double>(g.Count(), Label("status", g.Key.ToString().ToLowerInvariant())));
    }

    // HAProxy's exporter gives every class, zero or not.
    private static IEnumerable<Measurement<long>> ByClass(ProxyCounters counters, params KeyValuePair<string, object?>[] labels) =>
        ResponseClasses.Labels.Select((code, i) => new Measurement<long>(counters.Responses(i), [.. labels, Label("code", code)]));

    public void Dispose() => _meter.Dispose();
}
