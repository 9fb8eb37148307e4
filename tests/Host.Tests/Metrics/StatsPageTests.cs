using System.Net;
using System.Text.RegularExpressions;
using ActorProxy.Host.Tests.DataPlane;
using ActorProxy.Host.Tests.StatsSocket;

namespace ActorProxy.Host.Tests.Metrics;

/// <summary>
/// A frontend's <c>stats uri</c> page, loaded in headless Chromium and read back from its table:
/// the proxies, their servers with their states (one in maintenance by <c>set server</c>),
/// sessions and errors; it asks to be reloaded (<c>stats refresh</c>), and <c>;csv</c> gives
/// <c>show stat</c>.
/// </summary>
public sealed partial class StatsPageTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-stats-page");
    private readonly int _web = TestBackend.FreePort();
    private readonly int _stats = TestBackend.FreePort();
    private readonly int _dead = TestBackend.FreePort();
    private TestBackend _origin = null!;
    private ActorProxyProcess _proxy = null!;

    public async Task InitializeAsync()
    {
        _origin = await TestBackend.StartAsync("origin");
        string config = Path.Combine(_directory.FullName, "actorproxy.conf");
        await File.WriteAllTextAsync(config, $$"""
            actorproxy {
              global { threads = 1, stats-socket = "admin.sock level admin" }
              frontends.web { bind = "127.0.0.1:{{_web}}", default-backend = app, use-backend = [ "dead if { path /dead }" ] }
              frontends.stats { bind = "127.0.0.1:{{_stats}}", stats = [ "uri /stats", "refresh 2s" ] }
              backends.app { servers { a = "127.0.0.1:{{_origin.Port}}", b = "127.0.0.1:{{_origin.Port}}" } }
              backends.dead { servers { gone = "127.0.0.1:{{_dead}}" } }
            }
            """);
        _proxy = ActorProxyProcess.Start("run", "-f", config);
        await _proxy.WaitForOutputAsync("ActorProxy running");
    }

    public async Task DisposeAsync()
    {
        await _proxy.StopAsync();
        await _origin.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Page_ShowsProxiesServersStatesAndErrors_InABrowser()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // An empty answer, as HAProxy's: only the empty line that ends it.
        Assert.Equal("\n", await Socat.RunAsync("set server app/b state maint\n", Path.Combine(_directory.FullName, "admin.sock")));
        for (int i = 0; i < 3; i++)
        {
            using var proxied = await client.GetAsync(new Uri($"http://127.0.0.1:{_web}/x"));
            Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        }
        using var dead = await client.GetAsync(new Uri($"http://127.0.0.1:{_web}/dead"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, dead.StatusCode);

        var page = Table(await HeadlessChromium.DumpDomAsync($"http://127.0.0.1:{_stats}/stats"));

        Assert.Equal(["web/FRONTEND", "stats/FRONTEND", "app/a", "app/b", "app/BACKEND", "dead/gone", "dead/BACKEND"], page.Keys);
        Assert.Equal("OPEN", page["web/FRONTEND"]["status"]);
        // Three requests, all to the server in service: b is in maintenance.
        Assert.Equal(("no check", "3", "3"), (page["app/a"]["status"], page["app/a"]["stot"], page["app/a"]["lbtot"]));
        Assert.Equal(("MAINT", "0", "1"), (page["app/b"]["status"], page["app/b"]["stot"], page["app/b"]["weight"]));
        Assert.Equal(("UP", "3", "1"), (page["app/BACKEND"]["status"], page["app/BACKEND"]["stot"], page["app/BACKEND"]["act"]));
        Assert.Equal(("1", "1"), (page["dead/gone"]["econ"], page["dead/BACKEND"]["econ"]));
    }

    [Fact]
    public async Task Page_AsksToBeReloaded_AndGivesShowStatWithCsv()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        using var page = await client.GetAsync(new Uri($"http://127.0.0.1:{_stats}/stats"));
        string csv = await client.GetStringAsync(new Uri($"http://127.0.0.1:{_stats}/stats;csv"));

        Assert.Equal("2", Assert.Single(page.Headers.GetValues("Refresh")));
        Assert.Equal("text/html", page.Content.Headers.ContentType?.ToString());
        Assert.StartsWith("# pxname,svname,qcur,", csv, StringComparison.Ordinal);
        Assert.Contains("\napp,BACKEND,", csv, StringComparison.Ordinal);
    }

    // Each row of the page's tables by proxy/line, its cells by show stat field.
    private static Dictionary<string, Dictionary<string, string>> Table(string dom)
    {
        var rows = new Dictionary<string, Dictionary<string, string>>();
        foreach (Match table in TableElement().Matches(dom))
        {
            foreach (Match row in RowElement().Matches(table.Groups["body"].Value))
            {
                rows[$"{table.Groups["proxy"].Value}/{row.Groups["name"].Value}"] = CellElement().Matches(row.Groups["cells"].Value)
                    .ToDictionary(c => c.Groups["field"].Value, c => WebUtility.HtmlDecode(c.Groups["value"].Value));
            }
        }
        return rows;
    }

    [GeneratedRegex("""<table class="proxy" data-proxy="(?<proxy>[^"]*)">(?<body>.*?)</table>""", RegexOptions.Singleline)]
    private static partial Regex TableElement();

    [GeneratedRegex("""<tr class="[^"]*" data-name="(?<name>[^"]*)">(?<cells>.*?)</tr>""", RegexOptions.Singleline)]
    private static partial Regex RowElement();

    [GeneratedRegex("""<td data-field="(?<field>[^"]*)">(?<value>[^<]*)</td>""")]
    private static partial Regex CellElement();
}
