using ActorProxy.Host.Configuration;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;

namespace ActorProxy.Host.Tests.Configuration;

public sealed class HoconConfigReaderTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-config");

    [Fact]
    public void Read_EmptyFile_TakesHaproxyDefaults()
    {
        var config = Read("");

        var global = config.Global;
        Assert.Equal(Environment.ProcessorCount, global.Threads);
        Assert.Equal(1, global.ThreadGroups);
        Assert.Empty(global.LuaLoad);
        Assert.Empty(global.LuaLoadPerThread);
        Assert.Equal(new LuaTune(), global.Tune);
    }

    [Fact]
    public void Read_GlobalSection_MapsEveryKey()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "a.lua"), "");
        File.WriteAllText(Path.Combine(_directory.FullName, "b.lua"), "");

        var global = Read("""
            actorproxy.global {
              threads = 4
              thread-groups = 2
              lua-load = [ "a.lua" ]
              lua-load-per-thread = "b.lua"
              lua-prepend-path = [ "lib/?.lua", { path = "/opt/?.so", type = cpath } ]
              tune.lua { maxmem = 64MiB, forced-yield = 500, session-timeout = 250ms, task-timeout = 2s, service-timeout = 1m }
            }
            """).Global;

        Assert.Equal(4, global.Threads);
        Assert.Equal(2, global.ThreadGroups);
        Assert.Equal(new LuaFile(Path.Combine(_directory.FullName, "a.lua"), "a.lua"), Assert.Single(global.LuaLoad));
        Assert.Equal("b.lua", Assert.Single(global.LuaLoadPerThread).Name);
        Assert.Equal(
            [new LuaPrependPath(Path.Combine(_directory.FullName, "lib/?.lua")), new LuaPrependPath("/opt/?.so", LuaPathType.CPath)],
            global.LuaPrependPath);
        Assert.Equal(new LuaTune
        {
            MaxMem = 64L << 20,
            ForcedYield = 500,
            SessionTimeout = TimeSpan.FromMilliseconds(250),
            TaskTimeout = TimeSpan.FromSeconds(2),
            ServiceTimeout = TimeSpan.FromMinutes(1),
        }, global.Tune);
    }

    [Theory]
    [InlineData("actorproxy.global.nbthreads = 2", "actorproxy.global.nbthreads", "unknown key")]
    [InlineData("actorproxy.listeners = {}", "actorproxy.listeners", "unknown key")]
    [InlineData("actorproxy.global.threads = [1]", "actorproxy.global.threads", "expected a single value")]
    [InlineData("actorproxy.global.threads = 1.5", "actorproxy.global.threads", "expected an integer, got '1.5'")]
    [InlineData("actorproxy.global.threads = -1", "actorproxy.global.threads", "must be at least 1, not -1")]
    [InlineData("actorproxy.global { threads = 2, thread-groups = 3 }", "actorproxy.global.thread-groups", "must be between 1 and threads (2), not 3")]
    [InlineData("actorproxy.global { threads = 130, thread-groups = 2 }", "actorproxy.global.thread-groups", "more than 64 threads in a group")]
    [InlineData("actorproxy.global.lua-load = { a = 1 }", "actorproxy.global.lua-load", "expected a list")]
    [InlineData("actorproxy.global.lua-load = [ \"none.lua\" ]", "actorproxy.global.lua-load", "Lua file 'none.lua' not found")]
    [InlineData("actorproxy.global.lua-prepend-path = [ { type = cpath } ]", "actorproxy.global.lua-prepend-path", "lacks its 'path'")]
    [InlineData("actorproxy.global.lua-prepend-path = [ { path = x, type = lib } ]", "actorproxy.global.lua-prepend-path", "type must be 'path' or 'cpath', not 'lib'")]
    [InlineData("actorproxy.global.tune.lua.forced-yield = 0", "actorproxy.global.tune.lua.forced-yield", "must be at least 1 instruction")]
    [InlineData("actorproxy.global.tune.lua.task-timeout = forever", "actorproxy.global.tune.lua.task-timeout", "expected a duration")]
    [InlineData("actorproxy.global.tune.lua.maxmem = big", "actorproxy.global.tune.lua.maxmem", "expected a size in bytes")]
    [InlineData("actorproxy.backends.app { servers { a = \"127.0.0.1:1\" }\n timeout { queue = soon } }", "actorproxy.backends.app.timeout.queue", "expected a duration")]
    [InlineData("actorproxy.backends.app { servers { a = \"127.0.0.1:1\" }\n health-check { rise = 0 } }", "actorproxy.backends.app.health-check.rise", "'rise' has to be > 0.")]
    [InlineData("actorproxy.backends.app { servers { a = \"127.0.0.1:1\" }\n health-check { fall = -2 } }", "actorproxy.backends.app.health-check.fall", "'fall' has to be > 0.")]
    [InlineData("actorproxy.backends.app { servers { a = \"127.0.0.1:1\" }\n health-check { inter = 1s } }", "actorproxy.backends.app.health-check.inter", "unknown key; expected one of")]
    [InlineData("actorproxy.frontends.web { bind = \"127.0.0.1:1\"\n timeout { tunnel = 5s } }", "actorproxy.frontends.web.timeout.tunnel", "unknown key; expected one of client, http-keep-alive, http-request")]
    [InlineData("actorproxy.global.tune.http.maxhdr = 0", "actorproxy.global.tune.http.maxhdr", "must be between 1 and 32767, as in HAProxy, not 0")]
    [InlineData("actorproxy.global.tune.bufsize = 512", "actorproxy.global.tune.bufsize", "must be at least 1024 bytes, not 512")]
    [InlineData("actorproxy.global.maxconn = -1", "actorproxy.global.maxconn", "must be 0 (derived from the file descriptor limit) or a number of connections, not -1")]
    [InlineData("actorproxy.frontends.web { bind = \"127.0.0.1:1\", maxconn = -5 }", "actorproxy.frontends.web.maxconn", "must be 0 (the global maxconn) or a number of connections, not -5")]
    [InlineData("actorproxy.frontends.web { bind = \"127.0.0.1:1\", backlog = many }", "actorproxy.frontends.web.backlog", "expected an integer, got 'many'")]
    public void Read_BadValue_NamesFileKeyAndReason(string text, string key, string reason)
    {
        var failure = Assert.Throws<ConfigException>(() => Read(text));

        var error = Assert.Single(failure.Errors);
        Assert.Equal("test.conf", error.File);
        Assert.Equal(key, error.Key);
        Assert.Contains(reason, error.Reason);
    }

    [Theory]
    [InlineData("acl = [ \"bad/name path /x\" ]", "acl[0]", "'bad/name path /x': 'bad/name' is not a valid ACL name")]
    [InlineData("acl = [ \"a src_beg 10\" ]", "acl[0]", "unknown sample fetch 'src_beg'")]
    [InlineData("option = [ \"forwardfor except nowhere\" ]", "option[0]", "'option forwardfor except' expects <address>[/mask] as argument.")]
    [InlineData("option = [ \"forwardfor always\" ]", "option[0]", "'option forwardfor' only supports optional values: 'except', 'header' and 'if-none'.")]
    [InlineData("option = [ \"httpclose\" ]", "option[0]", "'option httpclose' is not supported by ActorProxy here; the options it carries out here are: http-buffer-request, httplog, httplog clf, tcplog, dontlognull, log-separate-errors, dontlog-normal, forwardfor.")]
    [InlineData("http-request = [ \"deny if blocked\" ]", "http-request[0]", "'deny if blocked': no such ACL : 'blocked'")]
    [InlineData("http-request = [ \"tarpit\" ]", "http-request[0]", "'tarpit' is not an http-request action ActorProxy supports")]
    [InlineData("http-request = [ \"set-header x %[hdr(host,x)]\" ]", "http-request[0]", "'hdr': argument 2 'x' is not an integer")]
    [InlineData("http-response = [ \"set-header x %[path]\" ]", "http-response[0]", "reads the request's line or headers")]
    [InlineData("use-backend = [ \"app if { status 200 }\" ]", "use-backend[0]", "reads the response")]
    [InlineData("http-request = [ \"track-sc0 src\" ]", "http-request[0]", "'track-sc0 src': track-sc0: proxy 'web' has no stick-table (name one with a table argument)")]
    [InlineData("http-request = [ \"track-sc1 src table nowhere\" ]", "http-request[0]", "track-sc1: unable to find table 'nowhere' (no proxy of that name has a stick-table)")]
    [InlineData("http-request = [ \"deny if { src_conn_cur(nowhere) gt 1 }\" ]", "http-request[0]", "'src_conn_cur': unable to find table 'nowhere'")]
    [InlineData("http-request = [ \"sc-inc-gpc0(3)\" ]", "http-request[0]", "'sc-inc-gpc0(3)': expects a stick counter between 0 and 2 in parentheses")]
    [InlineData("stick-table = \"type ip size 1m peers mine\"", "stick-table", "stick-table: 'peers' is not supported")]
    public void Read_FrontendLineActorProxyCannotHonour_NamesFileKeyTextAndReason(string line, string key, string reason)
    {
        var failure = Assert.Throws<ConfigException>(() => Read($$"""
            actorproxy.frontends.web { bind = "127.0.0.1:8080", {{line}}, default-backend = app }
            actorproxy.backends.app { servers { s1 = "127.0.0.1:9000" } }
            """));

        var error = Assert.Single(failure.Errors);
        Assert.Equal("test.conf", error.File);
        Assert.Equal($"actorproxy.frontends.web.{key}", error.Key);
        Assert.Contains(reason, error.Reason);
    }

    [Theory]
    [InlineData("\"inspect-delay\"", "'tcp-request inspect-delay' expects a positive delay in milliseconds (expected 'inspect-delay <time>')")]
    [InlineData("\"inspect-delay 5x\"", "(unexpected character 'x' in argument of 'inspect-delay')")]
    [InlineData("\"inspect-delay 1s\", \"inspect-delay 2s\"", "inspect-delay is given twice")]
    [InlineData("\"connection reject if { req.len gt 1 }\"", "extracts information from 'request contents', none of which is available here")]
    [InlineData("\"content reject if { req.payload_lv(0,0) -m found }\"", "payload length must be > 0")]
    public void Read_TcpInspectionLineActorProxyCannotHonour_NamesKeyAndReason(string rules, string reason)
    {
        var failure = Assert.Throws<ConfigException>(() => Read($$"""
            actorproxy.frontends.relay { bind = "127.0.0.1:8080", mode = tcp, tcp-request = [ {{rules}} ], default-backend = app }
            actorproxy.backends.app { mode = tcp, servers { s1 = "127.0.0.1:9000" } }
            """));

        var error = Assert.Single(failure.Errors);
        Assert.StartsWith("actorproxy.frontends.relay.tcp-request[", error.Key);
        Assert.Contains(reason, error.Reason);
    }

    [Fact]
    public void Read_InspectDelay_IsTheFrontendsAndNoRule()
    {
        var config = Read("""
            actorproxy.frontends.relay { bind = "127.0.0.1:8080", mode = tcp, tcp-request = [ "inspect-delay 1500ms", "content accept if { req.len ge 5 }" ], default-backend = app }
            actorproxy.backends.app { mode = tcp, servers { s1 = "127.0.0.1:9000" } }
            """);

        var relay = Assert.Single(config.Frontends);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), relay.InspectDelay);
        Assert.Equal("content accept if { req.len ge 5 }", Assert.Single(relay.TcpRequest).Text);
    }

    [Theory]
    [InlineData("frontends.\"my site\" { bind = \"127.0.0.1:8080\" }", "actorproxy.frontends.my site", "character ' ' is not permitted in a proxy name 'my site'")]
    [InlineData("backends.\"app~tunnel\" { servers { s1 = \"127.0.0.1:9000\" } }", "actorproxy.backends.app~tunnel", "character '~' is not permitted")]
    public void Read_ProxyNameHaproxyRefuses_IsRefused(string section, string key, string reason)
    {
        var failure = Assert.Throws<ConfigException>(() => Read($"actorproxy {{ {section} }}"));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(key, error.Key);
        Assert.Contains(reason, error.Reason);
    }

    [Fact]
    public void Read_SeveralMistakes_ReportsThemAll()
    {
        var failure = Assert.Throws<ConfigException>(() => Read("""
            actorproxy.global { threads = x, thread-groups = y, unknown = 1 }
            """));

        Assert.Equal(3, failure.Errors.Count);
    }

    [Fact]
    public void Read_ConnectionLimits_GlobalAndPerFrontend()
    {
        var config = Read("""
            actorproxy.global.maxconn = 300
            actorproxy.frontends.web { bind = "127.0.0.1:1", maxconn = 20, backlog = 64 }
            actorproxy.frontends.api { bind = "127.0.0.1:2" }
            """);

        Assert.Equal(300, config.Global.MaxConn);
        Assert.Equal(new Runtime.Config.HttpTune(), config.Global.Http);
        var web = config.Frontends.Single(f => f.Name == "web");
        var api = config.Frontends.Single(f => f.Name == "api");
        Assert.Equal((20, 64), (web.MaxConn, web.Backlog));
        Assert.Equal((0, 0), (api.MaxConn, api.Backlog));
    }

    [Fact]
    public void Read_NotHocon_SaysSo()
    {
        var failure = Assert.Throws<ConfigException>(() => Read("actorproxy.global.threads = ${undefined.path}"));

        Assert.Contains("not valid HOCON", Assert.Single(failure.Errors).Reason);
    }

    [Fact]
    public void Read_AkkaSection_IsLeftToAkka()
    {
        var config = Read("""
            akka.loglevel = DEBUG
            actorproxy.global.threads = 1
            """);

        Assert.Equal(1, config.Global.Threads);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Read_ForwardFor_OnAFrontendAndABackend()
    {
        var config = Read("""
            actorproxy.frontends.web { bind = "127.0.0.1:8080", option = [ "forwardfor except 10.0.0.0/8 if-none" ], default-backend = app }
            actorproxy.backends.app { option = [ "forwardfor header X-Client" ], servers { s1 = "127.0.0.1:9000" } }
            """);

        var frontend = config.Frontends.Single().ForwardFor!;
        Assert.True(frontend.IfNone);
        Assert.Equal("X-Forwarded-For", frontend.Header);
        Assert.True(frontend.Except!.Contains(System.Net.IPAddress.Parse("10.1.2.3")));
        Assert.Equal("X-Client", config.Backends.Single().ForwardFor!.Header);
    }

    private ProxyConfig Read(string text) => HoconConfigReader.Read(text, "test.conf", _directory.FullName);

    [Fact]
    public void Read_ServerWeightsAndMaxconn_InDeclarationOrder()
    {
        var config = Read("""
            actorproxy.backends.app {
              servers { b = "127.0.0.1:9001 weight 3 maxconn 20", a = "127.0.0.1:9002", c = "127.0.0.1:9003 weight 0" }
              timeout.queue = 3s
            }
            """);

        var backend = config.Backends.Single();
        Assert.Equal([("b", 3, 20), ("a", 1, 0), ("c", 0, 0)], backend.Servers.Select(s => (s.Name, s.Weight, s.MaxConn)));
        Assert.Equal(TimeSpan.FromSeconds(3), backend.QueueTimeout);
    }

    [Theory]
    [InlineData("roundrobin", "weight 257", "weight is not within 0 and 256 (257)")]
    [InlineData("roundrobin", "weight heavy", "weight: expected a number from 0 to 256, not 'heavy'")]
    [InlineData("roundrobin", "weight", "'weight' expects an argument")]
    [InlineData("leastconn", "weight 2", "ActorProxy weighs servers in balance roundrobin only")]
    [InlineData("first", "weight 0", "ActorProxy weighs servers in balance roundrobin only")]
    [InlineData("roundrobin", "maxconn x", "maxconn: expected a number of connections from 0, not 'x'")]
    [InlineData("leastconn", "maxconn 10", "ActorProxy queues requests for servers at their maxconn in balance roundrobin only")]
    [InlineData("roundrobin", "maxqueue 10", "server option 'maxqueue' is not supported by ActorProxy")]
    public void Read_AWeightThatCannotBeHonoured_IsRefusedNamingTheServer(string balance, string options, string reason)
    {
        var failure = Assert.Throws<ConfigException>(() => Read($$"""
            actorproxy.backends.app { balance = {{balance}}, servers { s1 = "127.0.0.1:9000 {{options}}" } }
            """));

        var error = Assert.Single(failure.Errors);
        Assert.Equal("actorproxy.backends.app.servers.s1", error.Key);
        Assert.Contains(reason, error.Reason);
    }
}
