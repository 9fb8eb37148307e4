using System.Globalization;
using System.Net;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Logging;
using ActorProxy.Runtime.Rules;
using ActorProxy.Runtime.Samples;
using ActorProxy.Runtime.Stick;
using Akka.Configuration.Hocon;

namespace ActorProxy.Host.Configuration;

public static partial class HoconConfigReader
{
    private static readonly HashSet<string> FrontendKeys = ["bind", "mode", "maxconn", "backlog", "timeout", "option", "acl", "tcp-request", "http-request", "http-response", "use-backend", "default-backend", "log", "log-format", "capture", "stats", "stick-table"];
    // The option flags a frontend and a backend carry out, beside forwardfor.
    private static readonly HashSet<string> FrontendFlags = ["http-buffer-request", "httplog", "httplog clf", "tcplog", "dontlognull", "log-separate-errors", "dontlog-normal"];
    private static readonly HashSet<string> BackendFlags = [];

    private static readonly HashSet<string> BackendKeys = ["mode", "balance", "servers", "timeout", "health-check", "option", "stick-table"];
    private static readonly HashSet<string> TimeoutKeys = ["connect", "server", "tunnel", "queue"];
    private static readonly HashSet<string> FrontendTimeoutKeys = ["client", "http-request", "http-keep-alive"];
    private static readonly HashSet<string> HealthCheckKeys = ["path", "interval", "timeout", "rise", "fall"];

    // The frontend and backend sections: each a map entry with its own keys.
    private sealed partial class Reader
    {
        private IReadOnlyList<LogTarget>? _globalLogTargets;

        public FrontendSettings Frontend(string name)
        {
            string path = $"{Root}.frontends.{name}";
            CheckKeys(path, FrontendKeys);
            CheckKeys($"{path}.timeout", FrontendTimeoutKeys);
            var mode = Mode($"{path}.mode");
            var context = new RuleContext(Acls($"{path}.acl", name, mode), baseDirectory, Response: false) { Maps = _maps, Tables = _tables, Proxy = name, TcpContent = mode == ProxyMode.Tcp };
            var options = Options($"{path}.option", FrontendFlags);
            var bind = BindOptions($"{path}.bind");
            var captures = Captures($"{path}.capture");
            if (bind is { Http2: true } && mode == ProxyMode.Tcp)
            {
                Error($"{path}.bind", "'proto h2' needs mode http: a mode tcp frontend relays bytes.");
            }
            return new FrontendSettings
            {
                Name = name,
                Bind = EndPoint($"{path}.bind") ?? new IPEndPoint(IPAddress.Loopback, 0),
                Ssl = bind?.Ssl,
                Http2 = bind?.Http2 ?? false,
                Mode = mode,
                MaxConn = OptionalInteger($"{path}.maxconn") ?? 0,
                Backlog = OptionalInteger($"{path}.backlog") ?? 0,
                Timeouts = new FrontendTimeouts
                {
                    Client = OptionalDuration($"{path}.timeout.client"),
                    HttpRequest = OptionalDuration($"{path}.timeout.http-request"),
                    HttpKeepAlive = OptionalDuration($"{path}.timeout.http-keep-alive"),
                },
                TcpRequest = Rules($"{path}.tcp-request", text => TcpRule.Parse(text, context), skip: IsInspectDelay),
                InspectDelay = InspectDelay($"{path}.tcp-request"),
                HttpRequest = Rules($"{path}.http-request", text => HttpRuleParser.ParseRequest(text, context)),
                HttpResponse = Rules($"{path}.http-response", text => HttpRuleParser.ParseResponse(text, context)),
                UseBackend = BackendSwitches($"{path}.use-backend", context),
                DefaultBackend = OptionalString($"{path}.default-backend"),
                BufferRequest = options.Flags.Contains("http-buffer-request"),
                ForwardFor = options.ForwardFor,
                Log = AccessLog(path, mode, options.Flags),
                RequestCaptures = captures.Where(c => c.Request).Select(c => c.Capture).ToArray(),
                ResponseCaptures = captures.Where(c => !c.Request).Select(c => c.Capture).ToArray(),
                StatsPage = StatsPage($"{path}.stats", mode),
            };
        }

        // stats = [ "uri /stats", "refresh 10s" ]: HAProxy's stats lines of a frontend, each what follows "stats".
        private StatsPageSettings? StatsPage(string key, ProxyMode mode)
        {
            var lines = List(key).Select(item => item.IsString() ? item.GetString() : "").ToArray();
            try
            {
                var page = StatsPageSettings.Parse(lines);
                if (page is not null && mode == ProxyMode.Tcp)
                {
                    Error(key, "the stats page needs mode http.");
                }
                return page;
            }
            catch (FormatException e)
            {
                Error(key, e.Message + ".");
                return null;
            }
        }

        /// <summary>The stick tables of every frontend and backend, read before any rule so that a
        /// rule may name a proxy's table written after it.</summary>
        public void StickTables(IEnumerable<string> frontends, IEnumerable<string> backends)
        {
            foreach (string key in frontends.Select(f => $"{Root}.frontends.{f}").Concat(backends.Select(b => $"{Root}.backends.{b}")))
            {
                if (!config.HasPath($"{key}.stick-table"))
                {
                    continue;
                }
                string name = key[(key.LastIndexOf('.') + 1)..];
                if (_tables.Find(name) is not null)
                {
                    Error($"{key}.stick-table", $"a frontend and a backend called '{name}' both have a stick table: a table is named after its proxy, so one of them must go.");
                    continue;
                }
                try
                {
                    _tables.Add(StickTableSettings.Parse(name, OptionalString($"{key}.stick-table") ?? ""), TimeProvider.System,
                        inFrontend: key.StartsWith($"{Root}.frontends.", StringComparison.Ordinal));
                }
                catch (FormatException e)
                {
                    Error($"{key}.stick-table", e.Message + ".");
                }
            }
        }

        // log = [ "global" | "TARGET …" ], log-format, option httplog|tcplog…: the frontend's access
        // log, or null without a log line (HAProxy then logs nothing for it, whatever its format).
        private AccessLogSettings? AccessLog(string path, ProxyMode mode, IReadOnlySet<string> flags)
        {
            var targets = LogTargets($"{path}.log", global: false);
            string? text = OptionalString($"{path}.log-format");
            LogFormat? format = null;
            if (text is null)
            {
                // As HAProxy, option httplog in a mode tcp frontend falls back to tcplog.
                text = flags.Contains("tcplog") || (mode == ProxyMode.Tcp && (flags.Contains("httplog") || flags.Contains("httplog clf"))) ? LogFormat.TcpLog
                    : flags.Contains("httplog clf") ? LogFormat.HttpLogClf
                    : flags.Contains("httplog") ? LogFormat.HttpLog
                    : null;
            }
            if (text is not null)
            {
                try
                {
                    format = LogFormat.ParseAccessLog(text, new SampleFiles(baseDirectory, _maps) { Tables = _tables, Proxy = path[(path.LastIndexOf('.') + 1)..] });
                }
                catch (SampleSyntaxException e)
                {
                    Error(config.HasPath($"{path}.log-format") ? $"{path}.log-format" : $"{path}.option", $"failed to parse log-format: {e.Message}.");
                }
            }
            if (targets.Count == 0)
            {
                return null;
            }
            return new AccessLogSettings(targets, format)
            {
                DontLogNull = flags.Contains("dontlognull"),
                SeparateErrors = flags.Contains("log-separate-errors"),
                DontLogNormal = flags.Contains("dontlog-normal"),
            };
        }

        /// <summary>The global <c>log</c> list, read once.</summary>
        public IReadOnlyList<LogTarget> GlobalLogTargets() => _globalLogTargets ??= LogTargets($"{Global}.log", global: true);

        // A log list: each entry what follows "log" in HAProxy; in a frontend, "global" stands
        // for the global ones.
        private IReadOnlyList<LogTarget> LogTargets(string key, bool global)
        {
            var targets = new List<LogTarget>();
            int index = 0;
            foreach (var item in List(key))
            {
                string text = item.IsString() ? item.GetString().Trim() : "";
                if (text == "global" && !global)
                {
                    targets.AddRange(GlobalLogTargets());
                }
                else if (text == "global")
                {
                    Error($"{key}[{index}]", "'global' is not supported for a global syslog server.");
                }
                else
                {
                    try
                    {
                        targets.Add(LogTarget.Parse(text, baseDirectory));
                    }
                    catch (FormatException e)
                    {
                        Error($"{key}[{index}]", $"'log {text}': {e.Message}.");
                    }
                }
                index++;
            }
            return targets;
        }

        // capture = [ "request header NAME len N", "response header NAME len N" ].
        private List<(bool Request, HeaderCapture Capture)> Captures(string key)
        {
            var captures = new List<(bool, HeaderCapture)>();
            int index = 0;
            foreach (var item in List(key))
            {
                string text = item.IsString() ? item.GetString() : "";
                try
                {
                    captures.Add(HeaderCapture.Parse(text));
                }
                catch (FormatException e)
                {
                    Error($"{key}[{index}]", $"'capture {text}': {e.Message}.");
                }
                index++;
            }
            return captures;
        }

        // option = [ "http-buffer-request", "forwardfor except 10.0.0.0/8" ]: HAProxy's "option"
        // lines of a proxy, each what follows "option"; one ActorProxy does not carry out (there)
        // is refused.
        private (HashSet<string> Flags, ForwardFor? ForwardFor) Options(string key, IReadOnlySet<string> flags)
        {
            var options = new HashSet<string>(StringComparer.Ordinal);
            ForwardFor? forwardFor = null;
            int index = 0;
            foreach (var item in List(key))
            {
                string text = item.IsString() ? item.GetString() : "";
                if (flags.Contains(text))
                {
                    options.Add(text);
                }
                else if (text == "forwardfor" || text.StartsWith("forwardfor ", StringComparison.Ordinal))
                {
                    forwardFor = ForwardFor.Parse(text, out string? error);
                    if (error is not null)
                    {
                        Error($"{key}[{index}]", error);
                    }
                }
                else
                {
                    Error($"{key}[{index}]", $"'option {text}' is not supported by ActorProxy here; the options it carries out here are: {string.Join(", ", flags.Append("forwardfor"))}.");
                }
                index++;
            }
            return (options, forwardFor);
        }

        public BackendSettings Backend(string name)
        {
            string path = $"{Root}.backends.{name}";
            CheckKeys(path, BackendKeys);
            CheckKeys($"{path}.timeout", TimeoutKeys);
            CheckKeys($"{path}.health-check", HealthCheckKeys);
            var mode = Mode($"{path}.mode");
            var servers = Servers($"{path}.servers");
            foreach (var server in servers.Where(s => s.Http2 && mode == ProxyMode.Tcp))
            {
                Error($"{path}.servers.{server.Name}", "'proto h2' on a server of a mode tcp backend means nothing: a TCP relay passes bytes; remove it, or use mode http.");
            }
            if (servers.Any(s => s.Http2) && servers.Any(s => !s.Http2))
            {
                // YARP sets the HTTP version a request is forwarded with per cluster.
                Error($"{path}.servers", "'proto h2' is on some servers of the backend but not all: ActorProxy speaks one HTTP version to a backend's servers; put it on each or on none.");
            }
            var balance = Balance($"{path}.balance");
            foreach (var server in servers.Where(s => s.Weight != 1 && balance != BalanceAlgorithm.RoundRobin))
            {
                Error($"{path}.servers.{server.Name}", $"'weight {server.Weight}': ActorProxy weighs servers in balance roundrobin only (HAProxy's fwrr); its {balance.ToString().ToLowerInvariant()} picks without weights. Remove the weight, or use balance roundrobin.");
            }
            foreach (var server in servers.Where(s => s.MaxConn > 0 && balance != BalanceAlgorithm.RoundRobin))
            {
                Error($"{path}.servers.{server.Name}", $"'maxconn {server.MaxConn}': ActorProxy queues requests for servers at their maxconn in balance roundrobin only (HAProxy's fwrr skips a full server); its {balance.ToString().ToLowerInvariant()} would pick a full one. Remove the maxconn, or use balance roundrobin.");
            }
            return new BackendSettings
            {
                Name = name,
                Mode = mode,
                Balance = balance,
                Servers = servers,
                ConnectTimeout = OptionalDuration($"{path}.timeout.connect") ?? TimeSpan.FromSeconds(5),
                QueueTimeout = OptionalDuration($"{path}.timeout.queue"),
                ServerTimeout = OptionalDuration($"{path}.timeout.server") ?? TimeSpan.FromSeconds(30),
                TunnelTimeout = OptionalDuration($"{path}.timeout.tunnel"),
                HealthCheck = config.HasPath($"{path}.health-check")
                    ? new HealthCheckSettings(
                        OptionalString($"{path}.health-check.path") ?? "/",
                        OptionalDuration($"{path}.health-check.interval") ?? TimeSpan.FromSeconds(2),
                        OptionalDuration($"{path}.health-check.timeout") ?? TimeSpan.FromSeconds(1),
                        CheckCount($"{path}.health-check.rise") ?? HealthCheckSettings.DefaultRise,
                        CheckCount($"{path}.health-check.fall") ?? HealthCheckSettings.DefaultFall)
                    : null,
                ForwardFor = Options($"{path}.option", BackendFlags).ForwardFor,
            };
        }

        private void CheckKeys(string path, IReadOnlySet<string> known, IReadOnlyDictionary<string, string>? refused = null)
        {
            var value = config.GetValue(path);
            if (value is null || !value.IsObject())
            {
                return;
            }
            foreach (string key in value.GetObject().Items.Keys.Where(k => !known.Contains(k)))
            {
                Error($"{path}.{key}", refused?.GetValueOrDefault(key) ?? $"unknown key; expected one of {string.Join(", ", known.Order())}.");
            }
        }

        private ProxyMode Mode(string key) => OptionalString(key) switch
        {
            null or "http" => ProxyMode.Http,
            "tcp" => ProxyMode.Tcp,
            var other => Refuse(key, $"mode must be http or tcp, not '{other}'.", ProxyMode.Http),
        };

        private BalanceAlgorithm Balance(string key) => OptionalString(key) switch
        {
            null or "roundrobin" => BalanceAlgorithm.RoundRobin,
            "leastconn" => BalanceAlgorithm.LeastConn,
            "random" => BalanceAlgorithm.Random,
            "first" => BalanceAlgorithm.First,
            var other => Refuse(key, $"balance must be roundrobin, leastconn, random or first, not '{other}'.", BalanceAlgorithm.RoundRobin),
        };

        // bind = "ADDRESS:PORT [options…]", HAProxy's bind line: the address first.
        private IPEndPoint? EndPoint(string key)
        {
            string? text = OptionalString(key);
            if (text is null)
            {
                return Refuse<IPEndPoint?>(key, "missing; a frontend needs bind = \"address:port\".", null);
            }
            string address = BindWords(text)[0];
            return IPEndPoint.TryParse(address, out var endPoint) && endPoint.Port != 0
                ? endPoint
                : Refuse<IPEndPoint?>(key, $"expected address:port such as 127.0.0.1:8080, got '{address}'.", null);
        }

        // The options after the bind line's address.
        private BindLine? BindOptions(string key)
        {
            if (OptionalString(key) is not { } text)
            {
                return null;
            }
            try
            {
                return BindLine.Parse(BindWords(text)[1..], baseDirectory);
            }
            catch (Exception e) when (e is FormatException or Runtime.Tls.CertificateLoadException)
            {
                return Refuse<BindLine?>(key, $"{e.Message}.", null);
            }
        }

        private static string[] BindWords(string text) =>
            text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } words ? words : [""];

        private IReadOnlyList<ServerSettings> Servers(string key)
        {
            var value = config.GetValue(key);
            if (value is null || value.IsEmpty)
            {
                return [];
            }
            if (!value.IsObject())
            {
                return Refuse<IReadOnlyList<ServerSettings>>(key, "expected { name = \"host:port\", … }.", []);
            }
            var servers = new List<ServerSettings>();
            foreach (var (name, address) in value.GetObject().Items)
            {
                // "host:port [ssl verify … ca-file … sni …]", HAProxy's server line after its name.
                string[] words = BindWords(address.IsString() ? address.GetString() : "");
                string text = words[0];
                int colon = text.LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
                {
                    Error($"{key}.{name}", $"expected host:port such as 127.0.0.1:9000, got '{text}'.");
                    continue;
                }
                ServerLine? options = null;
                try
                {
                    options = ServerLine.Parse(words[1..], baseDirectory);
                }
                catch (Exception e) when (e is FormatException or Runtime.Tls.CertificateLoadException)
                {
                    Error($"{key}.{name}", $"{e.Message}.");
                }
                servers.Add(new ServerSettings(name, text[..colon].Trim('[', ']'), port, options?.Ssl, options?.Http2 ?? false, options?.Weight ?? 1, options?.MaxConn ?? 0));
            }
            return servers;
        }

        private IReadOnlyList<T> Rules<T>(string key, Func<string, T> parse, Func<string, bool>? skip = null)
        {
            var rules = new List<T>();
            int index = 0;
            foreach (var item in List(key))
            {
                string text = item.IsString() ? item.GetString() : "";
                if (skip?.Invoke(text) == true)
                {
                    index++;
                    continue;
                }
                try
                {
                    rules.Add(parse(text));
                }
                catch (SampleSyntaxException e)
                {
                    Error($"{key}[{index}]", $"'{text}': {e.Message}.");
                }
                index++;
            }
            return rules;
        }

        private static bool IsInspectDelay(string text) => text.TrimStart().StartsWith("inspect-delay", StringComparison.Ordinal);

        // tcp-request = [ "inspect-delay 5s", … ]: the line HAProxy writes, once.
        private TimeSpan? InspectDelay(string key)
        {
            TimeSpan? delay = null;
            int index = 0;
            foreach (var item in List(key))
            {
                string text = item.IsString() ? item.GetString() : "";
                if (IsInspectDelay(text))
                {
                    string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    try
                    {
                        if (words.Length != 2 || words[0] != "inspect-delay")
                        {
                            throw new FormatException("expected 'inspect-delay <time>'");
                        }
                        long milliseconds = Runtime.Config.HaproxyTime.Milliseconds(words[1], "inspect-delay", "");
                        if (delay is not null)
                        {
                            throw new FormatException("inspect-delay is given twice (HAProxy ignores the second)");
                        }
                        delay = TimeSpan.FromMilliseconds(milliseconds);
                    }
                    catch (FormatException e)
                    {
                        Error($"{key}[{index}]", $"'tcp-request {text}' expects a positive delay in milliseconds ({e.Message}).");
                    }
                }
                index++;
            }
            return delay;
        }

        // acl = [ "NAME fetch [flags] [values…]", … ]: each line is what follows "acl" in HAProxy.
        private NamedAcls Acls(string key, string proxy, ProxyMode mode)
        {
            var acls = NamedAcls.Predefined();
            var context = new RuleContext(acls, baseDirectory, Response: false) { Maps = _maps, Tables = _tables, Proxy = proxy, TcpContent = mode == ProxyMode.Tcp };
            int index = 0;
            foreach (var item in List(key))
            {
                string text = item.IsString() ? item.GetString() : "";
                try
                {
                    acls.Add(text, context);
                }
                catch (SampleSyntaxException e)
                {
                    Error($"{key}[{index}]", $"'{text}': {e.Message}.");
                }
                index++;
            }
            return acls;
        }

        private IReadOnlyList<BackendSwitch> BackendSwitches(string key, RuleContext context)
        {
            var switches = new List<BackendSwitch>();
            int index = 0;
            foreach (var item in List(key))
            {
                string text = item.IsString() ? item.GetString() : "";
                try
                {
                    var (words, condition) = HttpRuleParser.SplitCondition(text, context);
                    if (words.Count != 1)
                    {
                        throw new SampleSyntaxException("expected 'BACKEND [if|unless CONDITION]'");
                    }
                    string name = words[0].Text;
                    var format = name.Contains('%', StringComparison.Ordinal) ? LogFormat.Parse(name, context.Files) : null;
                    if (format is not null && format.Samples.Any(s => s.LuaNames().Any()))
                    {
                        throw new SampleSyntaxException("a backend name made of lua.* samples is not supported by ActorProxy yet");
                    }
                    switches.Add(new BackendSwitch(name, condition) { Format = format });
                }
                catch (SampleSyntaxException e)
                {
                    Error($"{key}[{index}]", $"'{text}': {e.Message}.");
                }
                index++;
            }
            return switches;
        }

        private string? OptionalString(string key)
        {
            var value = config.GetValue(key);
            if (value is null || value.IsEmpty)
            {
                return null;
            }
            return value.IsString() ? value.GetString() : Refuse<string?>(key, "expected a single value.", null);
        }

        private TimeSpan? OptionalDuration(string key) => config.HasPath(key) ? Duration(key) : null;

        private int? OptionalInteger(string key) => config.HasPath(key) ? Integer(key) : null;

        // A check's rise or fall: HAProxy's words for one that is not above 0.
        private int? CheckCount(string key)
        {
            int? count = OptionalInteger(key);
            if (count <= 0)
            {
                Error(key, $"'{key[(key.LastIndexOf('.') + 1)..]}' has to be > 0.");
            }
            return count;
        }

        private T Refuse<T>(string key, string reason, T fallback)
        {
            Error(key, reason);
            return fallback;
        }
    }
}
