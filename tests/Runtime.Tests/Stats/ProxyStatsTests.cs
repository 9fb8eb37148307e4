using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Logging;
using ActorProxy.Runtime.Stats;

namespace ActorProxy.Runtime.Tests.Stats;

/// <summary>What an ended stream counts where, as HAProxy's counters (checked against HAProxy's
/// exporter end to end in Host.Tests' MetricsParityTests).</summary>
public sealed class ProxyStatsTests
{
    private static readonly ProxyConfig Config = new("test.conf", new GlobalSettings())
    {
        Frontends = [new FrontendSettings { Name = "fe", Bind = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1) }],
        Backends = [new BackendSettings { Name = "be", Servers = [new ServerSettings("s1", "127.0.0.1", 2)] }],
    };

    private static AccessLogEntry Proxied(int status) => new()
    {
        Frontend = "fe", Backend = "be", Server = "s1", Status = status, BytesIn = 40, BytesOut = 100,
        RequestReceived = 1, Queued = 2, Connected = 3, ResponseReceived = 7, Closed = 9,
    };

    [Fact]
    public void AProxiedRequest_CountsOnTheFrontendBackendAndServer()
    {
        var stats = new ProxyStats(Config);

        stats.RecordHttp(Proxied(404), malformed: false);

        foreach (var counters in new[] { stats.Backend("be")!, stats.Server("be", "s1")! })
        {
            Assert.Equal((1, 1, 40, 100, 1, 1), (counters.Sessions, counters.Requests, counters.BytesIn, counters.BytesOut, counters.Responses(3), counters.LoadBalanced));
            Assert.Equal((1u, 1u, 4u, 9u), (counters.QueueTime.Average(1), counters.ConnectTime.Average(1), counters.ResponseTime.Average(1), counters.TotalTime.Average(1)));
        }
        var frontend = stats.Frontend("fe");
        Assert.Equal((40, 100, 1), (frontend.BytesIn, frontend.BytesOut, frontend.Responses(3)));
    }

    [Fact]
    public void ADeny_CountsOnTheFrontendOnly()
    {
        var stats = new ProxyStats(Config);

        stats.RecordHttp(new AccessLogEntry { Frontend = "fe", Status = 403, Termination = new Termination('P', 'R') }, malformed: false);

        Assert.Equal((1, 1), (stats.Frontend("fe").DeniedRequests, stats.Frontend("fe").Responses(3)));
        Assert.Equal(0, stats.Backend("be")!.Sessions);
    }

    [Fact]
    public void AServerNotReached_CountsAConnectionError_AndIts503OnTheBackendOnly()
    {
        var stats = new ProxyStats(Config);

        stats.RecordHttp(new AccessLogEntry { Frontend = "fe", Backend = "be", Server = "s1", Status = 503, Termination = new Termination('S', 'C') }, malformed: false);

        Assert.Equal((1, 1), (stats.Backend("be")!.ConnectionErrors, stats.Backend("be")!.Responses(4)));
        Assert.Equal((1, 0), (stats.Server("be", "s1")!.ConnectionErrors, stats.Server("be", "s1")!.Responses(4)));
    }

    [Fact]
    public void AnIntercepted_OrMalformedRequest_IsTheFrontends()
    {
        var stats = new ProxyStats(Config);

        stats.RecordHttp(new AccessLogEntry { Frontend = "fe", Status = 302, Termination = new Termination('L', 'R') }, malformed: false);
        stats.RecordHttp(new AccessLogEntry { Frontend = "fe", Status = 400, Termination = new Termination('P', 'R') }, malformed: true);
        stats.RecordRefusedRequest("fe");

        var frontend = stats.Frontend("fe");
        Assert.Equal((1, 2, 0, 1), (frontend.Intercepted, frontend.RequestErrors, frontend.DeniedRequests, frontend.Requests));
        Assert.Equal(2, frontend.Responses(3));
    }

    [Theory]
    [InlineData(100, 0)]
    [InlineData(204, 1)]
    [InlineData(599, 4)]
    [InlineData(600, 5)]
    [InlineData(99, 5)]
    public void ResponseClass_IsHaproxys(int status, int expected) => Assert.Equal(expected, ResponseClasses.Of(status));
}
