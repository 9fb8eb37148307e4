using ActorProxy.Host.Tests.DataPlane;
using ActorProxy.Host.Tests.Parity;

namespace ActorProxy.Host.Tests.Metrics;

/// <summary>
/// <c>stats uri</c> and <c>stats refresh</c> against HAProxy 2.6: which requests the page answers
/// (its URI as a prefix, with a query, <c>;csv</c>), that the frontend's request rules come first
/// (a deny), that other requests go on (to no backend: 503), and the answers' status, type,
/// <c>Refresh</c> and <c>Cache-Control</c>. The page's content is ActorProxy's own
/// (StatsPageTests reads it in a browser); its CSV is compared in MetricsParityTests.
/// </summary>
public sealed class StatsPageParityTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-stats-parity");
    private readonly (int Haproxy, int ActorProxy) _port = (TestBackend.FreePort(), TestBackend.FreePort());
    private HaproxyProcess _haproxy = null!;
    private ActorProxyProcess _actorProxy = null!;

    public async Task InitializeAsync()
    {
        string dir = _directory.FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "haproxy.cfg"), $$"""
            defaults
              mode http
              timeout connect 1s
              timeout client 5s
              timeout server 5s
            frontend st
              bind 127.0.0.1:{{_port.Haproxy}}
              http-request deny if { path /stats/denied }
              stats uri /stats
              stats refresh 2s

            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "actorproxy.conf"), $$"""
            akka.remote.dot-netty.tcp.port = {{TestBackend.FreePort()}}
            actorproxy {
              global.threads = 1
              frontends.st {
                bind = "127.0.0.1:{{_port.ActorProxy}}"
                http-request = [ "deny if { path /stats/denied }" ]
                stats = [ "uri /stats", "refresh 2s" ]
              }
            }
            """);
        _actorProxy = ActorProxyProcess.Start("run", "-f", Path.Combine(dir, "actorproxy.conf"));
        await _actorProxy.WaitForOutputAsync("ActorProxy running");
        _haproxy = await HaproxyProcess.StartAsync(Path.Combine(dir, "haproxy.cfg"), _port.Haproxy);
    }

    [Theory]
    [InlineData("/stats")]
    [InlineData("/statsx")]
    [InlineData("/stats?x=1")]
    [InlineData("/stats;csv")]
    [InlineData("/stats/denied")]
    [InlineData("/other")]
    public async Task Answer_IsHaproxys(string path)
    {
        Assert.Equal(await AnswerAsync(_port.Haproxy, path), await AnswerAsync(_port.ActorProxy, path));
    }

    // What the two proxies' answers should share.
    private static async Task<string> AnswerAsync(int port, string path)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));
        bool ok = response.IsSuccessStatusCode;
        string refresh = response.Headers.TryGetValues("Refresh", out var values) ? string.Join(",", values) : "-";
        // The proxies' error pages are each its own; the stats answers' fields are compared.
        return ok
            ? $"{(int)response.StatusCode} {response.Content.Headers.ContentType} refresh={refresh} cache-control={response.Headers.CacheControl}"
            : $"{(int)response.StatusCode} refresh={refresh}";
    }

    public async Task DisposeAsync()
    {
        await _haproxy.DisposeAsync();
        await _actorProxy.StopAsync();
        _directory.Delete(recursive: true);
    }
}
