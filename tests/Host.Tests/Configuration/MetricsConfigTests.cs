using ActorProxy.Host.Configuration;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Rules;

namespace ActorProxy.Host.Tests.Configuration;

/// <summary><c>use-service prometheus-exporter</c> in a frontend's rules, and what is refused.</summary>
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
}
