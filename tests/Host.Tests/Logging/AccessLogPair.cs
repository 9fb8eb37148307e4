using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ActorProxy.Host.Tests.DataPlane;
using ActorProxy.Host.Tests.Parity;
using ActorProxy.Runtime.Logging;

namespace ActorProxy.Host.Tests.Logging;

/// <summary>HAProxy 2.6 and ActorProxy with the same logging frontends, started once for
/// <see cref="AccessLogParityTests"/>: each sends its lines over UDP syslog to a receiver of its
/// own; a request goes to each in turn and the line each wrote for it is taken.</summary>
public sealed class AccessLogPair : IAsyncLifetime
{
    private static readonly string[] Frontends = ["fe", "lf", "quiet", "plain", "tcp", "tcpdead", "tls", "h2", "rejected", "refused", "clf"];

    private const string Lua = """
        core.register_service("hello", "http", function(applet)
          applet:set_status(200)
          applet:add_header("content-type", "text/plain")
          applet:start_response()
          applet:send("hello")
        end)
        core.register_action("loglevel", { "http-req" }, function(txn) txn:set_loglevel(4) end)
        """;

    private const string CustomFormat =
        "%ci %fi:%fp %f %b %s %ST %U %HM %HU %HP %HPO %HQ %HV %hr %hrl %{+Q}hrl %si %sp %ID %CC %CS %tsc %sslv %{+Q}sslv %{+Q}r [%[var(txn.nope)]] [%[src]] %ac/%fc/%bc/%sc/%rc %sq/%bq";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-log-parity");
    /// <summary>HAProxy's lines.</summary>
    public SyslogReceiver HaproxyLog { get; } = new();

    /// <summary>ActorProxy's lines.</summary>
    public SyslogReceiver ActorProxyLog { get; } = new();
    private readonly Dictionary<string, (int Haproxy, int ActorProxy)> _ports = Frontends.ToDictionary(f => f, _ => (TestBackend.FreePort(), TestBackend.FreePort()));
    private readonly int _deadPort = TestBackend.FreePort();
    private readonly Tls.TestCertificates _certificates = new();
    private TestBackend? _origin;
    private HaproxyProcess? _haproxy;
    private ActorProxyProcess? _actorProxy;

    public async Task InitializeAsync()
    {
        _origin = await TestBackend.StartAsync("origin");
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "log.lua"), Lua);
        _certificates.WriteServer(Path.Combine(_directory.FullName, "site.pem"), keyApart: false, "localhost");
        string haproxy = Path.Combine(_directory.FullName, "haproxy.cfg");
        await File.WriteAllTextAsync(haproxy, HaproxyConfig());
        string actorProxy = Path.Combine(_directory.FullName, "actorproxy.conf");
        await File.WriteAllTextAsync(actorProxy, ActorProxyConfig());
        _actorProxy = ActorProxyProcess.Start("run", "-f", actorProxy);
        await _actorProxy.WaitForOutputAsync("ActorProxy running");
        _haproxy = await HaproxyProcess.StartAsync(haproxy, [.. _ports.Values.Select(p => p.Haproxy)]);
        // Whatever came before the first request (none expected) is left behind a marker's line.
        foreach (bool side in new[] { true, false })
        {
            await SendAsync(Port("fe", side), "GET /started HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            var log = side ? HaproxyLog : ActorProxyLog;
            while (!(await log.NextAsync()).Contains("/started", StringComparison.Ordinal))
            {
            }
        }
    }

    // Whatever started is stopped, also when the start failed half-way (HAProxy missing, say).
    public async Task DisposeAsync()
    {
        if (_haproxy is not null)
        {
            await _haproxy.DisposeAsync();
        }
        if (_actorProxy is not null)
        {
            await _actorProxy.StopAsync();
        }
        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }
        _certificates.Dispose();
        HaproxyLog.Dispose();
        ActorProxyLog.Dispose();
        _directory.Delete(recursive: true);
    }

    /// <summary>The port of <paramref name="frontend"/> on HAProxy or on ActorProxy.</summary>
    public int Port(string frontend, bool haproxy) => haproxy ? _ports[frontend].Haproxy : _ports[frontend].ActorProxy;

    // The request to each proxy in turn, and the line each wrote for it.
    // A proxied answer's chunked body came through HAProxy's H1 parser, whose end of trailers
    // counts in %B; one a proxy made itself did not.
    public Task<(Logged Haproxy, Logged ActorProxy)> BothAsync(string frontend, string request, bool proxied = true) =>
        BothAsync(frontend, port => SendAsync(port, request), proxied);

    /// <summary>Sends with <paramref name="send"/> (given the port) to each proxy in turn; the line each wrote.</summary>
    public async Task<(Logged Haproxy, Logged ActorProxy)> BothAsync(string frontend, Func<int, Task<string>> send, bool proxied = true)
    {
        string haproxyAnswer = await send(Port(frontend, haproxy: true));
        var haproxy = Logged.Of(Normalise(await HaproxyLog.NextAsync(), frontend), haproxyAnswer, proxied);
        string actorProxyAnswer = await send(Port(frontend, haproxy: false));
        var actorProxy = Logged.Of(Normalise(await ActorProxyLog.NextAsync(), frontend), actorProxyAnswer, proxied);
        return (haproxy, actorProxy);
    }

    /// <summary>Sends the bytes over TLS (the certificate checked against the test's root) and
    /// reads the answer to the end.</summary>
    public async Task<string> SendTlsAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        using var tls = new System.Net.Security.SslStream(client.GetStream(), false,
            (_, certificate, chain, _) => certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 served && _certificates.Chains(served, chain));
        await tls.AuthenticateAsClientAsync("localhost");
        await tls.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var received = new MemoryStream();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await tls.CopyToAsync(received, limit.Token);
        }
        catch (IOException)
        {
            // Cut after the answer: what came is what counts.
        }
        return Encoding.Latin1.GetString(received.ToArray());
    }

    /// <summary>Sends GET <paramref name="path"/> over HTTP/2 with prior knowledge; the answer is not measured.</summary>
    public static async Task<string> SendHttp2Async(int port, string path)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    // Sends the bytes and reads the answer to the connection's end; the client never half-closes.
    public static async Task<string> SendAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var received = new MemoryStream();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await stream.CopyToAsync(received, limit.Token);
        }
        catch (IOException)
        {
            // Reset after the answer: what came is what counts.
        }
        return Encoding.Latin1.GetString(received.ToArray());
    }

    /// <summary>Connects and closes at once, sending nothing.</summary>
    public static async Task CloseAtOnceAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
    }

    // What differs by nature between the two processes' lines.
    /// <summary>A line with what differs by nature between the two processes masked.</summary>
    public string Normalise(string line, string frontend)
    {
        line = Regex.Replace(line, @"^(<\d+>)\w{3} [ \d]\d \d\d:\d\d:\d\d \w+\[\d+\]: ", "$1");
        line = line.Replace($":{_ports[frontend].Haproxy}", ":FP", StringComparison.Ordinal)
            .Replace($":{_ports[frontend].ActorProxy}", ":FP", StringComparison.Ordinal)
            .Replace($"127.0.0.1 {_ports[frontend].Haproxy} ", "127.0.0.1 FP ", StringComparison.Ordinal);
        // A client's port; the servers' stay (both proxies have the same).
        string[] servers = [_origin!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), _deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        line = Regex.Replace(line, @"127\.0\.0\.1:(\d+)", m => servers.Contains(m.Groups[1].Value) ? m.Value : "127.0.0.1:P");
        line = Regex.Replace(line, @"\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d\.\d{3}\]", "[DATE]");
        // The timers: -1 stays (the step did not happen), a duration is a duration.
        return Regex.Replace(line, @"(?<= )(-?\d+)/(-?\d+)/(-?\d+)(/(-?\d+)/(-?\d+))?(?= \d{3} | \d+ [-A-Za-z][-A-Za-z] )",
            m => string.Join('/', m.Value.Split('/').Select(t => t == "-1" ? "-1" : "N")));
    }

    // A line with the httplog %B masked, and what that %B should be for the answer received.
    public sealed record Logged(string Line, long? LoggedBytes, long? MeasuredBytes)
    {
        public static Logged Of(string line, string answer, bool parsed)
        {
            var bytes = Regex.Match(line, @"(?<= \d{3} )(\d+)(?= - - )");
            if (!bytes.Success || !answer.StartsWith("HTTP/", StringComparison.Ordinal))
            {
                return new Logged(line, null, null);
            }
            return new Logged(line.Remove(bytes.Index, bytes.Length).Insert(bytes.Index, "B"), long.Parse(bytes.Value), HtxSizeOf(answer, parsed));
        }

        // The answer as HAProxy's HTX counts it: no Connection field (its H1 layer writes one of its own).
        private static long HtxSizeOf(string answer, bool parsed)
        {
            int end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            string[] head = answer[..end].Split("\r\n");
            string[] status = head[0].Split(' ', 3);
            var fields = head[1..].Select(l => l.Split(':', 2)).Select(f => KeyValuePair.Create(f[0], f[1].Trim()))
                .Where(f => !f.Key.Equals("connection", StringComparison.OrdinalIgnoreCase)).ToList();
            string body = answer[(end + 4)..];
            bool chunked = fields.Any(f => f.Key.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase) && f.Value == "chunked");
            long length = chunked ? Dechunked(body) : body.Length;
            return HtxSize.Of(status[0], status[1], status.Length > 2 ? status[2] : "", fields, length, chunked && parsed);
        }

        private static long Dechunked(string body)
        {
            long length = 0;
            int at = 0;
            while (true)
            {
                int line = body.IndexOf("\r\n", at, StringComparison.Ordinal);
                int size = Convert.ToInt32(body[at..line].Split(';')[0], 16);
                if (size == 0)
                {
                    return length;
                }
                length += size;
                at = line + 2 + size + 2;
            }
        }
    }

    private string HaproxyConfig() => $$"""
        global
          log 127.0.0.1:{{HaproxyLog.Port}} local0
          lua-load {{_directory.FullName}}/log.lua
        defaults
          mode http
          log global
          timeout client 5s
          timeout server 5s
          timeout connect 2s
        frontend fe
          bind 127.0.0.1:{{_ports["fe"].Haproxy}}
          option httplog
          capture request header Host len 20
          capture request header User-Agent len 12
          capture response header Content-Type len 30
          http-request deny if { path /deny }
          http-request return status 200 content-type text/plain string hi if { path /return }
          http-request redirect location /elsewhere if { path /redirect }
          http-request use-service lua.hello if { path /service }
          http-request set-log-level err if { path /err }
          http-request set-log-level silent if { path /silent }
          http-request lua.loglevel if { path /lua-level }
          use_backend dead if { path /dead }
          default_backend origin
        frontend lf
          bind 127.0.0.1:{{_ports["lf"].Haproxy}}
          log-format "{{CustomFormat.Replace("\"", "\\\"")}}"
          capture request header X-A len 3
          default_backend origin
        frontend quiet
          bind 127.0.0.1:{{_ports["quiet"].Haproxy}}
          option httplog
          option dontlognull
          default_backend origin
        frontend plain
          bind 127.0.0.1:{{_ports["plain"].Haproxy}}
          default_backend origin
        frontend tcp
          bind 127.0.0.1:{{_ports["tcp"].Haproxy}}
          mode tcp
          option tcplog
          default_backend tcporigin
        frontend tcpdead
          bind 127.0.0.1:{{_ports["tcpdead"].Haproxy}}
          mode tcp
          option tcplog
          default_backend tcpdead
        frontend clf
          bind 127.0.0.1:{{_ports["clf"].Haproxy}}
          option httplog clf
          option log-separate-errors
          use_backend dead if { path /dead }
          default_backend origin
        frontend rejected
          bind 127.0.0.1:{{_ports["rejected"].Haproxy}}
          mode tcp
          option tcplog
          tcp-request connection reject
          default_backend tcporigin
        frontend refused
          bind 127.0.0.1:{{_ports["refused"].Haproxy}}
          mode tcp
          option tcplog
          tcp-request content reject
          default_backend tcporigin
        frontend tls
          bind 127.0.0.1:{{_ports["tls"].Haproxy}} ssl crt {{_directory.FullName}}/site.pem
          log-format "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B - - %tsc %ac/%fc/%bc/%sc/%rc %sslv %{+Q}r"
          default_backend origin
        frontend h2
          bind 127.0.0.1:{{_ports["h2"].Haproxy}} proto h2
          option httplog
          default_backend origin
        backend origin
          server s1 127.0.0.1:{{_origin!.Port}}
        backend dead
          retries 0
          server s1 127.0.0.1:{{_deadPort}}
        backend tcporigin
          mode tcp
          server s1 127.0.0.1:{{_origin.Port}}
        backend tcpdead
          mode tcp
          retries 0
          server s1 127.0.0.1:{{_deadPort}}

        """;

    private string ActorProxyConfig() => $$"""
        actorproxy {
          global { threads = 2, lua-load = [ "log.lua" ], log = [ "127.0.0.1:{{ActorProxyLog.Port}} local0" ] }
          frontends.fe {
            bind = "127.0.0.1:{{_ports["fe"].ActorProxy}}"
            log = [ global ]
            option = [ httplog ]
            timeout { client = 5s }
            capture = [ "request header Host len 20", "request header User-Agent len 12", "response header Content-Type len 30" ]
            http-request = [
              "deny if { path /deny }",
              "return status 200 content-type text/plain string hi if { path /return }",
              "redirect location /elsewhere if { path /redirect }",
              "use-service lua.hello if { path /service }",
              "set-log-level err if { path /err }",
              "set-log-level silent if { path /silent }",
              "lua.loglevel if { path /lua-level }",
            ]
            use-backend = [ "dead if { path /dead }" ]
            default-backend = origin
          }
          frontends.lf {
            bind = "127.0.0.1:{{_ports["lf"].ActorProxy}}"
            log = [ global ]
            log-format = "{{CustomFormat.Replace("\"", "\\\"")}}"
            capture = [ "request header X-A len 3" ]
            default-backend = origin
          }
          frontends.quiet { bind = "127.0.0.1:{{_ports["quiet"].ActorProxy}}", log = [ global ], option = [ httplog, dontlognull ], default-backend = origin }
          frontends.plain { bind = "127.0.0.1:{{_ports["plain"].ActorProxy}}", log = [ global ], default-backend = origin }
          frontends.tcp { bind = "127.0.0.1:{{_ports["tcp"].ActorProxy}}", mode = tcp, log = [ global ], option = [ tcplog ], default-backend = tcporigin }
          frontends.tcpdead { bind = "127.0.0.1:{{_ports["tcpdead"].ActorProxy}}", mode = tcp, log = [ global ], option = [ tcplog ], default-backend = tcpdead }
          frontends.clf {
            bind = "127.0.0.1:{{_ports["clf"].ActorProxy}}"
            log = [ global ]
            option = [ "httplog clf", log-separate-errors ]
            use-backend = [ "dead if { path /dead }" ]
            default-backend = origin
          }
          frontends.rejected { bind = "127.0.0.1:{{_ports["rejected"].ActorProxy}}", mode = tcp, log = [ global ], option = [ tcplog ], tcp-request = [ "connection reject" ], default-backend = tcporigin }
          frontends.refused { bind = "127.0.0.1:{{_ports["refused"].ActorProxy}}", mode = tcp, log = [ global ], option = [ tcplog ], tcp-request = [ "content reject" ], default-backend = tcporigin }
          frontends.tls {
            bind = "127.0.0.1:{{_ports["tls"].ActorProxy}} ssl crt site.pem"
            log = [ global ]
            log-format = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B - - %tsc %ac/%fc/%bc/%sc/%rc %sslv %{+Q}r"
            default-backend = origin
          }
          frontends.h2 { bind = "127.0.0.1:{{_ports["h2"].ActorProxy}} proto h2", log = [ global ], option = [ httplog ], default-backend = origin }
          backends.origin { servers { s1 = "127.0.0.1:{{_origin!.Port}}" } }
          backends.dead { servers { s1 = "127.0.0.1:{{_deadPort}}" } }
          backends.tcporigin { mode = tcp, servers { s1 = "127.0.0.1:{{_origin.Port}}" } }
          backends.tcpdead { mode = tcp, servers { s1 = "127.0.0.1:{{_deadPort}}" } }
        }
        """;
}
