using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Stats;

namespace ActorProxy.Runtime.Tests.Stats;

/// <summary><c>show stat</c>'s lines (compared with HAProxy's end to end in Host.Tests'
/// MetricsParityTests; here what that comparison does not reach: servers' admin states, a TCP proxy).</summary>
public sealed class StatCsvTests
{
    private static readonly ProxyConfig Config = new("test.conf", new GlobalSettings())
    {
        Frontends = [new FrontendSettings { Name = "fe", Bind = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1), DefaultBackend = "be" }],
        Backends =
        [
            new BackendSettings { Name = "be", Servers = [new ServerSettings("a", "127.0.0.1", 2), new ServerSettings("b", "127.0.0.1", 3), new ServerSettings("c", "127.0.0.1", 4)] },
            new BackendSettings { Name = "db", Mode = ProxyMode.Tcp, Servers = [new ServerSettings("d", "127.0.0.1", 5)] },
        ],
    };

    private sealed class FixedLive : ILiveStats
    {
        public int FrontendSessions(FrontendSettings frontend) => 3;

        public int FrontendLimit(FrontendSettings frontend) => 2000;

        public ListenerState FrontendState(FrontendSettings frontend) => ListenerState.Open;

        public int Queued(string backend) => 0;

        public int MaxQueued(string backend) => 0;

        public int InFlight(string backend, string? server) => server is null ? 2 : 1;
    }

    private static Dictionary<string, Dictionary<string, string>> Lines(string csv)
    {
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] fields = lines[0][2..].TrimEnd(',').Split(',');
        return lines[1..].Select(l => l.Split(',')).ToDictionary(v => $"{v[0]}/{v[1]}", v => fields.Select((f, i) => (f, v[i])).ToDictionary(x => x.f, x => x.Item2));
    }

    [Fact]
    public void AStatsSocket_TakesNumberOne_AsHaproxysGlobalProxy()
    {
        var config = Config with { Global = new GlobalSettings { StatsSocket = StatsSocketSettings.Parse("127.0.0.1:9999", "/") } };

        var lines = Lines(StatCsv.Render(config, new ProxyStats(config), new FixedLive(), []));

        Assert.Equal(("2", "3", "4"), (lines["fe/FRONTEND"]["iid"], lines["be/BACKEND"]["iid"], lines["db/BACKEND"]["iid"]));
    }

    [Fact]
    public void Lines_AreHaproxys_ForServersInEachState_AndATcpProxy()
    {
        ServerState[] servers =
        [
            new("be", "a", "127.0.0.1:2", ServerAdminState.Ready, "unknown"),
            new("be", "b", "127.0.0.1:3", ServerAdminState.Drain, "unknown"),
            new("be", "c", "127.0.0.1:4", ServerAdminState.Maint, "unknown"),
            new("db", "d", "127.0.0.1:5", ServerAdminState.Ready, "down"),
        ];

        var lines = Lines(StatCsv.Render(Config, new ProxyStats(Config), new FixedLive(), servers));

        Assert.Equal(["fe/FRONTEND", "be/a", "be/b", "be/c", "be/BACKEND", "db/d", "db/BACKEND"], lines.Keys);
        // Proxies are numbered from 1 in the order they are declared (no stats socket here).
        Assert.Equal(("OPEN", "3", "2000", "0", "1"), (lines["fe/FRONTEND"]["status"], lines["fe/FRONTEND"]["scur"], lines["fe/FRONTEND"]["slim"], lines["fe/FRONTEND"]["type"], lines["fe/FRONTEND"]["iid"]));
        Assert.Equal(("no check", "1", "1", "127.0.0.1:2"), (lines["be/a"]["status"], lines["be/a"]["weight"], lines["be/a"]["sid"], lines["be/a"]["addr"]));
        // HAProxy shows the configured weight whatever the state (compared with it in MetricsParityTests).
        Assert.Equal(("DRAIN", "1"), (lines["be/b"]["status"], lines["be/b"]["weight"]));
        Assert.Equal(("MAINT", "1", "3"), (lines["be/c"]["status"], lines["be/c"]["weight"], lines["be/c"]["sid"]));
        // One server of three is up; fullconn is a tenth of the maxconn of the frontend that uses it.
        Assert.Equal(("UP", "1", "200", "roundrobin", "2", "2"), (lines["be/BACKEND"]["status"], lines["be/BACKEND"]["act"], lines["be/BACKEND"]["slim"],
            lines["be/BACKEND"]["algo"], lines["be/BACKEND"]["scur"], lines["be/BACKEND"]["iid"]));
        Assert.Equal(("DOWN", "", ""), (lines["db/d"]["status"], lines["db/d"]["hrsp_2xx"], lines["db/d"]["req_tot"]));
        Assert.Equal(("DOWN", "tcp", "0"), (lines["db/BACKEND"]["status"], lines["db/BACKEND"]["mode"], lines["db/BACKEND"]["slim"]));
    }

    [Fact]
    public void Header_IsHaproxysFields() =>
        Assert.StartsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,",
            StatCsv.Render(Config, new ProxyStats(Config), null, []), StringComparison.Ordinal);
}
