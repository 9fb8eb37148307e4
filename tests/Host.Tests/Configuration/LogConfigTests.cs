using ActorProxy.Host.Configuration;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Logging;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Host.Tests.Configuration;

/// <summary>The access log's configuration: HAProxy's log, log-format, option httplog|tcplog and
/// capture lines, and what is refused with a clear error.</summary>
public sealed class LogConfigTests
{
    private static ProxyConfig Read(string text) => HoconConfigReader.Read(text, "test.conf", "/etc/actorproxy");

    private static ConfigError Refused(string text) => Assert.Single(Assert.Throws<ConfigException>(() => Read(text)).Errors);

    [Fact]
    public void LogGlobal_TakesTheGlobalTargets_AndHttplogItsFormat()
    {
        var config = Read("""
            actorproxy.global { log = [ "127.0.0.1:514 local0", "stdout format raw local1 notice" ], log-tag = edge }
            actorproxy.frontends.web { bind = "127.0.0.1:8080", log = [ global, "file@access.log local2" ], option = [ httplog, dontlognull, log-separate-errors ] }
            """);

        var log = config.Frontends.Single().Log!;
        Assert.Equal(["127.0.0.1:514", "stdout", "/etc/actorproxy/access.log"], log.Targets.Select(t => t.Name));
        Assert.Equal(LogFormat.HttpLog, log.Format!.Text);
        Assert.True(log.DontLogNull && log.SeparateErrors && !log.DontLogNormal);
        Assert.Equal("edge", config.Global.LogTag);
    }

    [Fact]
    public void LogFormat_WinsOverOptionHttplog() =>
        Assert.Equal("%ci %ST", Read("""actorproxy.frontends.web { bind = "127.0.0.1:8080", log = [ "stdout local0" ], option = [ httplog ], log-format = "%ci %ST" }""")
            .Frontends.Single().Log!.Format!.Text);

    [Fact]
    public void Httplog_InATcpFrontend_FallsBackToTcplog_AsHaproxy() =>
        Assert.Equal(LogFormat.TcpLog, Read("""actorproxy.frontends.db { bind = "127.0.0.1:5432", mode = tcp, log = [ "stdout local0" ], option = [ httplog ] }""")
            .Frontends.Single().Log!.Format!.Text);

    [Fact]
    public void NoFormat_MeansConnectionLines() =>
        Assert.Null(Read("""actorproxy.frontends.web { bind = "127.0.0.1:8080", log = [ "stdout local0" ] }""").Frontends.Single().Log!.Format);

    [Fact]
    public void NoLogLine_MeansNoAccessLog() =>
        Assert.Null(Read("""actorproxy.frontends.web { bind = "127.0.0.1:8080", option = [ httplog ] }""").Frontends.Single().Log);

    [Fact]
    public void Captures_AreReadInOrder()
    {
        var frontend = Read("""
            actorproxy.frontends.web { bind = "127.0.0.1:8080", capture = [ "request header Host len 20", "response header Server len 8", "request header X-Id len 4" ] }
            """).Frontends.Single();
        Assert.Equal(["Host", "X-Id"], frontend.RequestCaptures.Select(c => c.Name));
        Assert.Equal(("Server", 8), (frontend.ResponseCaptures.Single().Name, frontend.ResponseCaptures.Single().Length));
    }

    [Theory]
    [InlineData("""actorproxy.global.log = [ "127.0.0.1 local9" ]""", "actorproxy.global.log[0]", "'log 127.0.0.1 local9': unknown log facility 'local9'.")]
    [InlineData("""actorproxy.global.log = [ global ]""", "actorproxy.global.log[0]", "'global' is not supported for a global syslog server.")]
    [InlineData("""actorproxy.frontends.web { bind = "127.0.0.1:8080", log = [ "stdout local0" ], log-format = "%ci %Zz" }""", "actorproxy.frontends.web.log-format",
        "failed to parse log-format: no such format variable 'Zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'.")]
    [InlineData("""actorproxy.frontends.web { bind = "127.0.0.1:8080", capture = [ "request header Host" ] }""", "actorproxy.frontends.web.capture[0]",
        "'capture request header Host': 'capture request header' expects <header name> 'len' <length>.")]
    [InlineData("""actorproxy.frontends.web { bind = "127.0.0.1:8080", http-request = [ "set-log-level loud" ] }""", "actorproxy.frontends.web.http-request[0]",
        "'set-log-level loud': set-log-level: expects exactly 1 argument (log level name or 'silent').")]
    public void BadLogLines_NameTheKeyAndWhy(string text, string key, string reason)
    {
        var error = Refused(text);
        Assert.Equal((key, reason), (error.Key, error.Reason));
    }

    [Fact]
    public void ABadGlobalTarget_IsReportedOnce_EvenWhenFrontendsTakeIt() =>
        Assert.Single(Assert.Throws<ConfigException>(() => Read("""
            actorproxy.global.log = [ "127.0.0.1 local9" ]
            actorproxy.frontends.a { bind = "127.0.0.1:8080", log = [ global ] }
            actorproxy.frontends.b { bind = "127.0.0.1:8081", log = [ global ] }
            """)).Errors);

    [Fact]
    public void SetLogLevel_KeepsHaproxysValue()
    {
        var rules = Read("""actorproxy.frontends.web { bind = "127.0.0.1:8080", http-request = [ "set-log-level err", "set-log-level silent" ] }""").Frontends.Single().HttpRequest;
        var exchange = new Runtime.Http.HttpExchange("web", "GET", "/", null, "HTTP/1.1");
        rules[0].Run(exchange, Runtime.Rules.NoLuaActions.Instance);
        Assert.Equal(SyslogLevel.Err + 1, exchange.LogLevel);
        rules[1].Run(exchange, Runtime.Rules.NoLuaActions.Instance);
        Assert.Equal(-1, exchange.LogLevel);
    }
}
