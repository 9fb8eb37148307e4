using ActorProxy.Runtime.Lua;
namespace ActorProxy.Runtime.Config;

/// <summary>
/// The checks a configuration must pass before anything starts, in one place: value ranges,
/// files that must exist. Reading (types, unknown keys) is the reader's job.
/// </summary>
public static class ConfigValidator
{
    /// <summary>HAProxy's per-group limit: a thread mask is one machine word.</summary>
    public const int MaxThreadsPerGroup = 64;

    /// <summary>Checks, once Lua has loaded, that every <c>lua.NAME</c> the rules use is
    /// registered with the right kind. Returns one message per missing function.</summary>
    public static IReadOnlyList<string> CheckLuaReferences(ProxyConfig config, Lua.LuaFunctionRegistry registry)
    {
        var errors = new List<string>();
        foreach (var frontend in config.Frontends)
        {
            foreach (var (directive, text, kind, name) in frontend.LuaFunctions().Distinct())
            {
                if (registry.Find(kind, name) is null)
                {
                    errors.Add($"{config.File}: frontend '{frontend.Name}': {directive} '{text}': no Lua {Lua.LuaFunctionRegistry.Describe(kind)} 'lua.{name}' is registered (core.register_{RegisterFunction(kind)}).");
                }
            }
        }
        return errors;
    }

    private static string RegisterFunction(Lua.LuaFunctionKind kind) => kind switch
    {
        _ when kind.IsAction() => "action",
        Lua.LuaFunctionKind.SampleFetch => "fetches",
        Lua.LuaFunctionKind.Converter => "converters",
        Lua.LuaFunctionKind.Service => "service",
        _ => "cli",
    };

    private static void ValidateProxies(ProxyConfig config, List<ConfigError> errors)
    {
        foreach (var (section, name) in config.Frontends.Select(f => ("frontends", f.Name)).Concat(config.Backends.Select(b => ("backends", b.Name))))
        {
            // HAProxy's invalid_char(): a proxy's name is letters, digits, '.', ':', '_' and '-'.
            if (name.FirstOrDefault(c => !char.IsAsciiLetterOrDigit(c) && c is not ('.' or ':' or '_' or '-')) is var bad and not '\0')
            {
                errors.Add(new ConfigError(config.File, $"actorproxy.{section}.{name}", $"character '{bad}' is not permitted in a proxy name '{name}': use letters, digits, '.', ':', '_' and '-', as HAProxy."));
            }
        }
        var backends = config.Backends.ToDictionary(b => b.Name);
        // Frontends are told apart by the local port of a connection.
        var ports = new Dictionary<int, string>();
        foreach (var frontend in config.Frontends)
        {
            string key = $"actorproxy.frontends.{frontend.Name}";
            if (frontend.Bind.Port != 0 && !ports.TryAdd(frontend.Bind.Port, frontend.Name))
            {
                errors.Add(new ConfigError(config.File, key + ".bind", $"port {frontend.Bind.Port} is already used by frontend '{ports[frontend.Bind.Port]}'."));
            }
            if (frontend.MaxConn < 0)
            {
                errors.Add(new ConfigError(config.File, key + ".maxconn", $"must be 0 (the global maxconn) or a number of connections, not {frontend.MaxConn}."));
            }
            if (frontend.Backlog < 0)
            {
                errors.Add(new ConfigError(config.File, key + ".backlog", $"must be 0 (the frontend's maxconn) or a number of connections, not {frontend.Backlog}."));
            }
            if (frontend.Mode == ProxyMode.Tcp && (frontend.HttpRequest.Count > 0 || frontend.HttpResponse.Count > 0))
            {
                errors.Add(new ConfigError(config.File, key, "http-request and http-response rules need mode = http."));
            }
            if (frontend.HttpResponse.Count > 0 && frontend.HttpRequest.OfType<Rules.UseAppletRule>().Any())
            {
                // HAProxy runs the response rules on the exporter's answer; its answer here is written
                // by OpenTelemetry's exporter, past the rules.
                errors.Add(new ConfigError(config.File, key + ".http-response",
                    "http-response rules do not apply to the answer of use-service prometheus-exporter in ActorProxy; serve the metrics from a frontend without them."));
            }
            if (frontend.Mode == ProxyMode.Http && frontend.TcpRequest.Count > 0)
            {
                errors.Add(new ConfigError(config.File, key + ".tcp-request", "tcp-request rules are supported with mode = tcp only so far."));
            }
            if (frontend.Mode == ProxyMode.Tcp && frontend.UseBackend.Any(s => s.Format is not null))
            {
                errors.Add(new ConfigError(config.File, key + ".use-backend", "a backend name with a log-format (%[…]) is supported in mode http only so far."));
            }
            var named = frontend.UseBackend.Where(s => s.Format is null).Select(s => (Key: key + ".use-backend", s.Backend));
            if (frontend.DefaultBackend is not null)
            {
                named = named.Append((key + ".default-backend", frontend.DefaultBackend));
            }
            foreach (var (where, name) in named)
            {
                if (!backends.TryGetValue(name, out var backend))
                {
                    errors.Add(new ConfigError(config.File, where, $"no backend named '{name}'; backends are: {string.Join(", ", backends.Keys.DefaultIfEmpty("(none)"))}."));
                }
                else if (backend.Mode != frontend.Mode)
                {
                    errors.Add(new ConfigError(config.File, where, $"backend '{name}' is in {backend.Mode} mode but frontend '{frontend.Name}' is in {frontend.Mode} mode."));
                }
            }
        }
        foreach (var backend in config.Backends)
        {
            if (backend.Mode == ProxyMode.Tcp && backend.Balance == BalanceAlgorithm.LeastConn)
            {
                errors.Add(new ConfigError(config.File, $"actorproxy.backends.{backend.Name}.balance",
                    "balance leastconn is not supported for tcp backends yet (their connections are not counted per server); use roundrobin, random or first."));
            }
            if (backend.Mode == ProxyMode.Tcp && backend.HealthCheck is not null)
            {
                errors.Add(new ConfigError(config.File, $"actorproxy.backends.{backend.Name}.health-check",
                    "health-check is HAProxy's option httpchk, for HTTP backends; a tcp backend's servers are checked passively (a refused connection takes one out for 10 s)."));
            }
            if (backend.ConnectTimeout <= TimeSpan.Zero || backend.ServerTimeout <= TimeSpan.Zero)
            {
                errors.Add(new ConfigError(config.File, $"actorproxy.backends.{backend.Name}.timeout", "timeouts must be positive."));
            }
        }
    }

    /// <summary>Returns every error in <paramref name="config"/>; empty when it is usable.</summary>
    public static IReadOnlyList<ConfigError> Validate(ProxyConfig config)
    {
        var errors = new List<ConfigError>();
        var global = config.Global;
        void Error(string key, string reason) => errors.Add(new ConfigError(config.File, "actorproxy.global." + key, reason));

        if (global.Threads < 1)
        {
            Error("threads", $"must be at least 1, not {global.Threads}.");
        }
        if (global.ThreadGroups < 1 || global.ThreadGroups > Math.Max(global.Threads, 1))
        {
            Error("thread-groups", $"must be between 1 and threads ({global.Threads}), not {global.ThreadGroups}.");
        }
        else if ((global.Threads + global.ThreadGroups - 1) / global.ThreadGroups > MaxThreadsPerGroup)
        {
            Error("thread-groups", $"{global.Threads} threads in {global.ThreadGroups} group(s) puts more than {MaxThreadsPerGroup} threads in a group; add groups.");
        }
        if (global.MaxSock < 64)
        {
            Error("maxsock", $"must be at least 64, not {global.MaxSock}.");
        }
        if (global.Http.MaxHeaders is < 1 or > 32767)
        {
            Error("tune.http.maxhdr", $"must be between 1 and 32767, as in HAProxy, not {global.Http.MaxHeaders}.");
        }
        if (global.Http.BufSize < 1024)
        {
            Error("tune.bufsize", $"must be at least 1024 bytes, not {global.Http.BufSize}.");
        }
        if (global.Http.MaxRewrite < 0)
        {
            Error("tune.maxrewrite", $"must be 0 or more bytes, not {global.Http.MaxRewrite}.");
        }
        if (global.MaxConn < 0)
        {
            Error("maxconn", $"must be 0 (derived from the file descriptor limit) or a number of connections, not {global.MaxConn}.");
        }
        CheckFiles("lua-load", global.LuaLoad);
        CheckFiles("lua-load-per-thread", global.LuaLoadPerThread);

        var tune = global.Tune;
        if (tune.MaxMem < 0)
        {
            Error("tune.lua.maxmem", $"must be 0 (no limit) or a size in bytes, not {tune.MaxMem}.");
        }
        if (tune.ForcedYield < 1)
        {
            Error("tune.lua.forced-yield", $"must be at least 1 instruction, not {tune.ForcedYield}.");
        }
        CheckTimeout("tune.lua.session-timeout", tune.SessionTimeout);
        CheckTimeout("tune.lua.task-timeout", tune.TaskTimeout);
        CheckTimeout("tune.lua.service-timeout", tune.ServiceTimeout);
        ValidateProxies(config, errors);
        return errors;

        void CheckFiles(string key, IReadOnlyList<LuaFile> files)
        {
            foreach (var file in files)
            {
                if (!File.Exists(file.Path))
                {
                    Error(key, $"Lua file '{file.Name}' not found (looked for {file.Path}).");
                }
            }
        }

        void CheckTimeout(string key, TimeSpan value)
        {
            if (value < TimeSpan.Zero)
            {
                Error(key, $"must not be negative, not {value}.");
            }
        }
    }
}
