using ActorProxy.Host.Configuration;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Rules;

namespace ActorProxy.Host.Tests.Configuration;

/// <summary><c>use-service prometheus-exporter</c> in a frontend's rules, its <c>stats</c> lines, and what is refused.</summary>
public sealed class MetricsConfigTests
{
    private static ProxyConfig Read(string text) => HoconConfigReader.Read(text, "test.conf", "/etc/actorproxy");

    private static ConfigError Refused(string text) => Assert.Single(Assert.Throws<ConfigException>(() => Read(text)).Errors);

    [Fact]
    public void PrometheusExporter_IsAService()
    {
        var frontend = Read("""
            actorproxy.frontends.stats { bind = "127.0.0.1:8405", http-request = [ "use-service prometheus-exporter if { path /metrics }" ] }
            """).Frontends.Single();

        Assert.Equal("prometheus-exporter", Assert.IsType<UseAppletRule>(Assert.Single(frontend.HttpRequest)).Applet);
    }

    [Fact]
    public void PrometheusExporter_WithResponseRules_IsRefused()
    {
        var error = Refused("""
            actorproxy.frontends.stats {
              bind = "127.0.0.1:8405"
              http-request = [ "use-service prometheus-exporter if { path /metrics }" ]
              http-response = [ "set-header X-A b" ]
            }
            """);

        Assert.Equal("actorproxy.frontends.stats.http-response", error.Key);
        Assert.Contains("prometheus-exporter", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownService_IsRefused_NamingIt()
    {
        var error = Refused("""actorproxy.frontends.web { bind = "127.0.0.1:8080", http-request = [ "use-service stats-page" ] }""");

        Assert.Contains("'stats-page' is not a service; expected lua.NAME or prometheus-exporter", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void StatsLines_GiveThePage_WithHaproxysDefaults()
    {
        var frontends = Read("""
            actorproxy.frontends.a { bind = "127.0.0.1:8405", stats = [ "enable" ] }
            actorproxy.frontends.b { bind = "127.0.0.1:8406", stats = [ "uri /stats", "refresh 10" ] }
            actorproxy.frontends.c { bind = "127.0.0.1:8407", stats = [ "uri /s", "refresh 500ms" ] }
            actorproxy.frontends.d { bind = "127.0.0.1:8408" }
            """).Frontends;

        Assert.Equal(new StatsPageSettings("/haproxy?stats", null), frontends[0].StatsPage);
        Assert.Equal(new StatsPageSettings("/stats", TimeSpan.FromSeconds(10)), frontends[1].StatsPage);
        Assert.Equal(TimeSpan.FromMilliseconds(500), frontends[2].StatsPage!.Refresh);
        Assert.Null(frontends[3].StatsPage);
    }

    [Theory]
    [InlineData("auth admin:secret", "'stats auth admin:secret' is not supported: the page has no authentication in ActorProxy")]
    [InlineData("admin if TRUE", "'stats admin if TRUE' is not supported")]
    [InlineData("uri stats", "'stats uri stats': expected 'enable', 'uri /PATH' or 'refresh DELAY'")]
    [InlineData("refresh soon", "'stats refresh soon': expected a delay such as 10s")]
    public void StatsLines_ActorProxyDoesNotTake_AreRefused(string line, string message)
    {
        var error = Refused($$"""actorproxy.frontends.web { bind = "127.0.0.1:8080", stats = [ "{{line}}" ] }""");

        Assert.Equal("actorproxy.frontends.web.stats", error.Key);
        Assert.Contains(message, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void StatsPage_InATcpFrontend_IsRefused() =>
        Assert.Contains("needs mode http", Refused("""actorproxy.frontends.db { bind = "127.0.0.1:5432", mode = tcp, stats = [ "enable" ] }""").Reason, StringComparison.Ordinal);
}
