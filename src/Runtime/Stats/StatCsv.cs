using System.Globalization;
using System.Text;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Health;

namespace ActorProxy.Runtime.Stats;

/// <summary>
/// HAProxy's <c>show stat</c>: a header naming HAProxy 2.6's fields, then one line per frontend
/// (<c>FRONTEND</c>), and per backend one per server then its <c>BACKEND</c> line, in the
/// configuration's order. A field HAProxy leaves empty for that kind of line is empty, and so is
/// one ActorProxy does not know (health check details, idle connections): empty is HAProxy's "not
/// applicable", never a made-up value.
/// </summary>
public static class StatCsv
{
    /// <summary>HAProxy 2.6's fields, in order (the stats modules' fields that follow are not written).</summary>
    public static IReadOnlyList<string> Fields { get; } =
    [
        "pxname", "svname", "qcur", "qmax", "scur", "smax", "slim", "stot", "bin", "bout", "dreq", "dresp", "ereq", "econ", "eresp",
        "wretr", "wredis", "status", "weight", "act", "bck", "chkfail", "chkdown", "lastchg", "downtime", "qlimit", "pid", "iid",
        "sid", "throttle", "lbtot", "tracked", "type", "rate", "rate_lim", "rate_max", "check_status", "check_code",
        "check_duration", "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other", "hanafail", "req_rate",
        "req_rate_max", "req_tot", "cli_abrt", "srv_abrt", "comp_in", "comp_out", "comp_byp", "comp_rsp", "lastsess", "last_chk",
        "last_agt", "qtime", "ctime", "rtime", "ttime", "agent_status", "agent_code", "agent_duration", "check_desc", "agent_desc",
        "check_rise", "check_fall", "check_health", "agent_rise", "agent_fall", "agent_health", "addr", "cookie", "mode", "algo",
        "conn_rate", "conn_rate_max", "conn_tot", "intercepted", "dcon", "dses", "wrew", "connect", "reuse", "cache_lookups",
        "cache_hits", "srv_icur", "src_ilim", "qtime_max", "ctime_max", "rtime_max", "ttime_max", "eint", "idle_conn_cur",
        "safe_conn_cur", "used_conn_cur", "need_conn_est", "uweight", "agg_server_status", "agg_server_check_status",
        "agg_check_status",
    ];

    /// <summary>The whole answer: the header and a line per proxy and server.</summary>
    public static string Render(ProxyConfig config, ProxyStats stats, ILiveStats? live, IReadOnlyList<ServerState> servers)
    {
        var text = new StringBuilder("# ").AppendJoin(',', Fields).Append(",\n");
        foreach (var row in Rows(config, stats, live, servers))
        {
            text.AppendJoin(',', row.Values).Append(",\n");
        }
        return text.ToString();
    }

    /// <summary>The lines as rows of <see cref="Fields"/>' values (the stats page shows them).</summary>
    public static IReadOnlyList<StatRow> Rows(ProxyConfig config, ProxyStats stats, ILiveStats? live, IReadOnlyList<ServerState> servers)
    {
        var rows = new List<StatRow>();
        // HAProxy numbers proxies in the order they are declared, after the stats socket's own
        // (GLOBAL, number 1, when there is a stats socket), servers from 1 within their backend.
        int id = config.Global.StatsSocket is null ? 1 : 2;
        var now = stats.Time.GetUtcNow();
        foreach (var frontend in config.Frontends)
        {
            rows.Add(Row(new FrontendLine(frontend, stats.Frontend(frontend.Name), id++, live)));
        }
        foreach (var backend in config.Backends)
        {
            var counters = stats.Backend(backend.Name)!;
            var states = servers.Where(s => s.Backend == backend.Name).ToArray();
            int sid = 1;
            foreach (var server in backend.Servers)
            {
                var state = states.FirstOrDefault(s => s.Server == server.Name);
                rows.Add(Row(new ServerLine(backend, server, stats.Server(backend.Name, server.Name)!, state, id, sid++, live, now, stats.Started)));
            }
            var usable = states.Where(s => s.Usable).ToArray();
            rows.Add(Row(new BackendLine(backend, counters, id++, live, now, stats.Started, config, usable.Length, usable.Sum(s => s.Weight))));
        }
        return rows;
    }

    /// <summary>HAProxy's name of a server's state: MAINT, DRAIN, DOWN, NOLB or UP.</summary>
    public static string StateOf(ServerState server) => server.Admin switch
    {
        // A server that drains shows it only while it is up, as HAProxy's stats.
        ServerAdminState.Maint => "MAINT",
        _ when server.Health == "down" => "DOWN",
        _ when server.Health == "nolb" => "NOLB",
        ServerAdminState.Drain => "DRAIN",
        _ => "UP",
    };

    private static StatRow Row(StatLine line) =>
        new(Fields.Select(field => line.Tcp && HttpOnly(field, line is FrontendLine) ? "" : line.Value(field)).ToArray());

    // What a TCP proxy has no value for: HTTP responses, requests (but a frontend's), the cache.
    private static bool HttpOnly(string field, bool frontend) =>
        field.StartsWith("hrsp_", StringComparison.Ordinal) || field is "intercepted" or "cache_lookups" or "cache_hits" || (!frontend && field == "req_tot");

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Mode(ProxyMode mode) => mode == ProxyMode.Http ? "http" : "tcp";

    // Seconds since the last session, -1 for none (HAProxy's lastsess).
    private static string SinceLastSession(ProxyCounters counters, DateTimeOffset now) =>
        counters.LastSession < 0 ? "-1" : N((now.ToUnixTimeMilliseconds() - counters.LastSession) / 1000);

    // What a line of each kind has: a value, or empty.
    private abstract record StatLine(ProxyCounters Counters)
    {
        public abstract string Value(string field);

        /// <summary>True for a line of a <c>mode tcp</c> proxy.</summary>
        public abstract bool Tcp { get; }

        // The fields a backend and its servers share, from their counters.
        protected string Shared(string field) => field switch
        {
            // A server's own queue: ActorProxy's requests wait only in their backend's.
            "qcur" or "qmax" => "0",
            "smax" => N(Counters.MaxSessions),
            "stot" => N(Counters.Sessions),
            "bin" => N(Counters.BytesIn),
            "bout" => N(Counters.BytesOut),
            "dresp" => N(Counters.DeniedResponses),
            "econ" => N(Counters.ConnectionErrors),
            "eresp" => N(Counters.ResponseErrors),
            "wretr" => N(Counters.Retries),
            "wredis" => N(Counters.Redispatches),
            "bck" => "0",
            "pid" => "1",
            "lbtot" => N(Counters.LoadBalanced),
            "rate" => N(Counters.SessionRate.PerSecond),
            "rate_max" => N(Counters.SessionRate.Max),
            "req_tot" => N(Counters.Requests),
            "cli_abrt" => N(Counters.ClientAborts),
            "srv_abrt" => N(Counters.ServerAborts),
            "qtime" => N(Counters.QueueTime.Average(Counters.TimeSamples)),
            "ctime" => N(Counters.ConnectTime.Average(Counters.TimeSamples)),
            "rtime" => N(Counters.ResponseTime.Average(Counters.TimeSamples)),
            "ttime" => N(Counters.TotalTime.Average(Counters.TimeSamples)),
            "qtime_max" => N(Counters.QueueTime.Max),
            "ctime_max" => N(Counters.ConnectTime.Max),
            "rtime_max" => N(Counters.ResponseTime.Max),
            "ttime_max" => N(Counters.TotalTime.Max),
            "wrew" => "0",
            "connect" => N(Counters.Connects),
            "reuse" => N(Counters.Reuses),
            "eint" => N(Counters.InternalErrors),
            _ when field.StartsWith("hrsp_", StringComparison.Ordinal) => N(Counters.Responses(ResponseClasses.OfLabel(field[5..]))),
            _ => "",
        };
    }

    private sealed record FrontendLine(FrontendSettings Frontend, ProxyCounters Counters, int Id, ILiveStats? Live) : StatLine(Counters)
    {
        // What a frontend's line shares with the others; the rest of the shared fields are a backend's.
        private static readonly HashSet<string> Common = ["smax", "stot", "bin", "bout", "dresp", "pid", "rate", "rate_max", "req_tot", "wrew", "eint"];

        public override string Value(string field) => field switch
        {
            "pxname" => Frontend.Name,
            "svname" => "FRONTEND",
            "scur" => N(Live?.FrontendSessions(Frontend) ?? 0),
            "slim" => Live is null ? "" : N(Live.FrontendLimit(Frontend)),
            "dreq" => N(Counters.DeniedRequests),
            "ereq" => N(Counters.RequestErrors),
            // HAProxy 2.6.12's words (2.6.0 said STOP for a paused frontend too).
            "status" => (Live?.FrontendState(Frontend) ?? ListenerState.Open) switch
            {
                ListenerState.Paused => "PAUSED",
                ListenerState.Stopped => "STOP",
                _ => "OPEN",
            },
            "iid" => N(Id),
            "sid" => "0",
            "type" => "0",
            "rate_lim" => "0",
            "req_rate" => N(Counters.RequestRate.PerSecond),
            "req_rate_max" => N(Counters.RequestRate.Max),
            "comp_in" or "comp_out" or "comp_byp" or "comp_rsp" or "cache_lookups" or "cache_hits" or "dses" => "0",
            "mode" => Mode(Frontend.Mode),
            "conn_rate" => N(Counters.ConnectionRate.PerSecond),
            "conn_rate_max" => N(Counters.ConnectionRate.Max),
            "conn_tot" => N(Counters.Connections),
            "intercepted" => N(Counters.Intercepted),
            "dcon" => N(Counters.DeniedConnections),
            _ when Common.Contains(field) || field.StartsWith("hrsp_", StringComparison.Ordinal) => Shared(field),
            _ => "",
        };

        public override bool Tcp => Frontend.Mode == ProxyMode.Tcp;
    }

    private sealed record ServerLine(BackendSettings Backend, ServerSettings Server, ProxyCounters Counters, ServerState? State, int Id, int Sid,
        ILiveStats? Live, DateTimeOffset Now, DateTimeOffset Started) : StatLine(Counters)
    {
        public override string Value(string field) => field switch
        {
            "pxname" => Backend.Name,
            "svname" => Server.Name,
            "scur" => N(Live?.InFlight(Backend.Name, Server.Name) ?? 0),
            "slim" => (State?.MaxConn ?? Server.MaxConn) is var limit and not 0 ? N(limit) : "",
            "status" => State is null ? "no check" : Status(State),
            // HAProxy marks a check under way with "* ".
            "check_status" when Checks.Reported => (Checks.InProgress ? "* " : "") + (Checks.LastCheck?.Status ?? CheckStatus.Initializing).Abbreviation(),
            // A check under way has its code reset (tcpcheck_main sets it to 0 at each rule).
            "check_code" when Checks.Reported && Checks.LastCheck is { Code: { } code } => Checks.InProgress ? "0" : N(code),
            "check_duration" when Checks.Reported && Checks.LastCheck is { } last => N((long)last.Duration.TotalMilliseconds),
            "check_desc" when Checks.Reported => (Checks.LastCheck?.Status ?? CheckStatus.Initializing).Description(),
            "check_rise" when Checks.Reported => N(Checks.Rise),
            "check_fall" when Checks.Reported => N(Checks.Fall),
            "check_health" when Checks.Reported => N(Checks.Health),
            "chkfail" when Checks.ChecksEnabled => N(Checks.FailedChecks),
            "chkdown" when Checks.ChecksEnabled => N(Checks.DownTransitions),
            // HAProxy shows a drained or maintained server's weight as it is set.
            "weight" or "uweight" => N(State?.Weight ?? Server.Weight),
            "act" => "1",
            "lastchg" => N((long)(Now - (State?.AdminChangedAt ?? Started)).TotalSeconds),
            "iid" => N(Id),
            "sid" => N(Sid),
            "type" => "2",
            "lastsess" => SinceLastSession(Counters, Now),
            "addr" => $"{Server.Host}:{Server.Port}",
            "mode" => Mode(Backend.Mode),
            "dreq" or "ereq" or "rate_lim" or "req_rate" or "req_rate_max" => "",
            _ => Shared(field),
        };

        public override bool Tcp => Backend.Mode == ProxyMode.Tcp;

        private ServerHealthView Checks => State?.Checks ?? ServerHealthView.Unchecked;

        // HAProxy's: MAINT, else its health's (UP 1/3, NOLB, DOWN…); a server resting after a
        // failed forwarding (YARP's passive check) shows DOWN.
        private static string Status(ServerState state) => state.Admin == ServerAdminState.Maint ? "MAINT"
            : state.Health == "down" && state.Checks?.State is not ServerRunState.Stopped ? "DOWN"
            : (state.Checks ?? ServerHealthView.Unchecked).Status(draining: state.Admin == ServerAdminState.Drain);
    }

    private sealed record BackendLine(BackendSettings Backend, ProxyCounters Counters, int Id, ILiveStats? Live, DateTimeOffset Now, DateTimeOffset Started,
        ProxyConfig Config, int Usable, int Weight) : StatLine(Counters)
    {
        public override string Value(string field) => field switch
        {
            "pxname" => Backend.Name,
            "svname" => "BACKEND",
            "scur" => N(Live?.InFlight(Backend.Name, null) ?? 0),
            "slim" => N(FullConn()),
            // Its queue: the requests waiting for a server at its maxconn.
            "qcur" => N(Live?.Queued(Backend.Name) ?? 0),
            "qmax" => N(Live?.MaxQueued(Backend.Name) ?? 0),
            "dreq" => "0",
            // HAProxy's: up while its usable servers weigh something, or when it has none at all.
            "status" => Weight > 0 || Backend.Servers.Count == 0 ? "UP" : "DOWN",
            "act" => N(Usable),
            "weight" or "uweight" => N(Weight),
            "chkdown" or "downtime" => "0",
            "lastchg" => N((long)(Now - Started).TotalSeconds),
            "iid" => N(Id),
            "sid" => "0",
            "type" => "1",
            "comp_in" or "comp_out" or "comp_byp" or "comp_rsp" or "cache_lookups" or "cache_hits" => "0",
            "lastsess" => SinceLastSession(Counters, Now),
            "mode" => Mode(Backend.Mode),
            "algo" => Backend.Balance.ToString().ToLowerInvariant(),
            _ => Shared(field),
        };

        public override bool Tcp => Backend.Mode == ProxyMode.Tcp;

        // HAProxy's default fullconn: a tenth of the maxconn of the frontends that use the backend.
        private long FullConn()
        {
            long total = Config.Frontends
                .Where(f => f.DefaultBackend == Backend.Name || f.UseBackend.Any(u => u.Backend == Backend.Name))
                .Sum(f => (long)(Live?.FrontendLimit(f) ?? 0));
            return (total + 9) / 10;
        }
    }
}
