using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Samples;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorProxy.Host.Configuration;

/// <summary>
/// Reads an ActorProxy HOCON file into a <see cref="ProxyConfig"/>: defaults from the embedded
/// <c>reference.conf</c>, unknown keys and wrong types reported with the file and the key, paths
/// resolved against the file's folder, then <see cref="ConfigValidator"/>'s checks. Every error
/// found is reported at once.
/// </summary>
public static partial class HoconConfigReader
{
    private const string Root = "actorproxy";
    private const string Global = Root + ".global";

    private static readonly Config Reference = ConfigurationFactory.ParseString(ReadReference());

    /// <summary>Reads and validates configuration <paramref name="text"/>.</summary>
    /// <param name="text">The HOCON text.</param>
    /// <param name="file">The file name errors give.</param>
    /// <param name="baseDirectory">The folder relative Lua paths start from.</param>
    /// <exception cref="ConfigException">The text is not a valid configuration.</exception>
    public static ProxyConfig Read(string text, string file, string baseDirectory)
    {
        var user = HoconText.Parse(text, file);

        var reader = new Reader(file, baseDirectory, user.WithFallback(Reference));
        CheckKnownKeys(user.Root, Reference.Root, "", reader);
        var global = new GlobalSettings
        {
            Threads = reader.Threads(Global + ".threads"),
            ThreadGroups = reader.Integer(Global + ".thread-groups"),
            MaxSock = reader.Integer(Global + ".maxsock"),
            MaxConn = reader.Integer(Global + ".maxconn"),
            LuaLoad = reader.LuaFiles(Global + ".lua-load"),
            LuaLoadPerThread = reader.LuaFiles(Global + ".lua-load-per-thread"),
            LuaPrependPath = reader.PrependPaths(Global + ".lua-prepend-path"),
            Tune = new LuaTune
            {
                MaxMem = reader.Size(Global + ".tune.lua.maxmem"),
                ForcedYield = reader.Integer(Global + ".tune.lua.forced-yield"),
                SessionTimeout = reader.Duration(Global + ".tune.lua.session-timeout"),
                TaskTimeout = reader.Duration(Global + ".tune.lua.task-timeout"),
                ServiceTimeout = reader.Duration(Global + ".tune.lua.service-timeout"),
            },
            StatsSocket = reader.StatsSocket(Global + ".stats-socket"),
            Log = reader.GlobalLogTargets(),
            LogTag = reader.Scalar(Global + ".log-tag") ?? "actorproxy",
            Http = new HttpTune
            {
                BufSize = reader.Integer(Global + ".tune.bufsize"),
                MaxRewrite = reader.Integer(Global + ".tune.maxrewrite"),
                MaxHeaders = reader.Integer(Global + ".tune.http.maxhdr"),
            },
        };
        reader.StickTables(ProxySections(user, "frontends"), ProxySections(user, "backends"));
        var frontends = ProxySections(user, "frontends").Select(name => reader.Frontend(name)).ToArray();
        var backends = ProxySections(user, "backends").Select(name => reader.Backend(name)).ToArray();
        reader.Maps.Number();
        var config = new ProxyConfig(file, global)
        {
            // A dynamic use-backend resolves, at run time, to a backend of its frontend's mode.
            Frontends = [.. frontends.Select(f => f with { Backends = backends.Where(b => b.Mode == f.Mode).Select(b => b.Name).ToHashSet() })],
            Backends = backends,
            Maps = reader.Maps,
            StickTables = reader.Tables,
        };
        // A key the reader refused already has its error; the validator speaks for the others.
        var refused = reader.Errors.Select(e => e.Key).ToHashSet();
        reader.Errors.AddRange(ConfigValidator.Validate(config).Where(e => !refused.Contains(e.Key)));
        if (reader.Errors.Count > 0)
        {
            throw new ConfigException(reader.Errors);
        }
        return config;
    }

    // Every key the user wrote under `actorproxy` must exist in reference.conf.
    private static void CheckKnownKeys(HoconValue user, HoconValue reference, string path, Reader reader)
    {
        if (!user.IsObject() || !reference.IsObject())
        {
            return;
        }
        var known = reference.GetObject().Items;
        foreach (var (key, value) in user.GetObject().Items)
        {
            string keyPath = path.Length == 0 ? key : $"{path}.{key}";
            if (path.Length == 0 && key != Root)
            {
                continue;
            }
            if (!known.TryGetValue(key, out var referenceValue))
            {
                reader.Error(keyPath, "unknown key; the keys ActorProxy reads are listed in src/Host/Configuration/reference.conf.");
                continue;
            }
            // Frontends and backends are maps of names: the reader checks each one's keys.
            if (keyPath is $"{Root}.frontends" or $"{Root}.backends")
            {
                continue;
            }
            CheckKnownKeys(value, referenceValue, keyPath, reader);
        }
    }

    // The names under actorproxy.frontends or actorproxy.backends, in the order written.
    private static IEnumerable<string> ProxySections(Config user, string section)
    {
        var value = user.GetValue($"{Root}.{section}");
        return value is not null && value.IsObject() ? value.GetObject().Items.Keys : [];
    }

    private static string ReadReference()
    {
        using var stream = typeof(HoconConfigReader).Assembly.GetManifestResourceStream("ActorProxy.Host.reference.conf")
            ?? throw new InvalidOperationException("reference.conf is missing from the actorproxy executable.");
        using var text = new StreamReader(stream);
        return text.ReadToEnd();
    }

    private sealed partial class Reader(string file, string baseDirectory, Config config)
    {
        public List<ConfigError> Errors { get; } = [];

        // The configuration's maps: each file read once, whichever rule names it first.
        private readonly MapReferences _maps = new();

        public MapReferences Maps => _maps;

        // The configuration's stick tables, by proxy name.
        private readonly Runtime.Stick.StickTables _tables = new();

        public Runtime.Stick.StickTables Tables => _tables;

        public void Error(string key, string reason) => Errors.Add(new ConfigError(file, key, reason));

        public StatsSocketSettings? StatsSocket(string key)
        {
            string? text = Scalar(key);
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }
            try
            {
                return StatsSocketSettings.Parse(text, baseDirectory);
            }
            catch (FormatException e)
            {
                Error(key, $"{e.Message}.");
                return null;
            }
        }

        public int Integer(string key)
        {
            string? text = Scalar(key);
            if (text is null)
            {
                return 0;
            }
            if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value))
            {
                Error(key, $"expected an integer, got '{text}'.");
            }
            return value;
        }

        public int Threads(string key)
        {
            int threads = Integer(key);
            return threads == 0 ? Environment.ProcessorCount : threads;
        }

        public long Size(string key)
        {
            string? text = Scalar(key);
            if (text is null)
            {
                return 0;
            }
            try
            {
                return config.GetByteSize(key) ?? 0;
            }
            catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException)
            {
                Error(key, $"expected a size in bytes (such as 1048576 or 64MiB), got '{text}'.");
                return 0;
            }
        }

        public TimeSpan Duration(string key)
        {
            string? text = Scalar(key);
            if (text is null)
            {
                return TimeSpan.Zero;
            }
            try
            {
                return config.GetTimeSpan(key, null, allowInfinite: false);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException)
            {
                Error(key, $"expected a duration (such as 4s or 500ms), got '{text}'.");
                return TimeSpan.Zero;
            }
        }

        public IReadOnlyList<LuaFile> LuaFiles(string key)
        {
            var files = new List<LuaFile>();
            foreach (var item in List(key))
            {
                if (!item.IsString())
                {
                    Error(key, "expected a list of Lua file paths.");
                    continue;
                }
                string name = item.GetString();
                files.Add(new LuaFile(Path.GetFullPath(name, baseDirectory), name));
            }
            return files;
        }

        public IReadOnlyList<LuaPrependPath> PrependPaths(string key)
        {
            var paths = new List<LuaPrependPath>();
            foreach (var item in List(key))
            {
                if (item.IsString())
                {
                    paths.Add(new LuaPrependPath(Resolve(item.GetString())));
                    continue;
                }
                if (!item.IsObject())
                {
                    Error(key, "each entry is a path string or { path = \"...\", type = path|cpath }.");
                    continue;
                }
                var fields = item.GetObject().Items;
                if (!fields.TryGetValue("path", out var path) || !path.IsString())
                {
                    Error(key, "an entry lacks its 'path' string.");
                    continue;
                }
                foreach (string unknown in fields.Keys.Where(k => k is not ("path" or "type")))
                {
                    Error($"{key}.{unknown}", "unknown key; an entry has only 'path' and 'type'.");
                }
                string type = fields.TryGetValue("type", out var typeValue) && typeValue.IsString() ? typeValue.GetString() : "path";
                if (type is not ("path" or "cpath"))
                {
                    Error(key, $"type must be 'path' or 'cpath', not '{type}'.");
                    continue;
                }
                paths.Add(new LuaPrependPath(Resolve(path.GetString()), type == "path" ? LuaPathType.Path : LuaPathType.CPath));
            }
            return paths;
        }

        // A search template like "lua/lib/?.lua" is relative to the configuration file too.
        private string Resolve(string template) => Path.IsPathRooted(template) ? template : Path.Combine(baseDirectory, template);

        private IEnumerable<HoconValue> List(string key)
        {
            var value = config.GetValue(key);
            if (value is null || value.IsEmpty)
            {
                return [];
            }
            if (value.IsString())
            {
                return [value];
            }
            if (value.IsArray())
            {
                return value.GetArray();
            }
            // HoconValue.IsArray() is false for an empty list: an array element, maybe with
            // whitespace the parser kept beside it.
            bool emptyList = value.Values.Any(element => element is HoconArray) &&
                value.Values.All(element => element is HoconArray || (element is HoconLiteral && string.IsNullOrWhiteSpace(element.GetString())));
            if (!emptyList)
            {
                Error(key, "expected a list.");
            }
            return [];
        }

        public string? Scalar(string key)
        {
            var value = config.GetValue(key);
            if (value is null || !value.IsString())
            {
                Error(key, "expected a single value, not an object or a list.");
                return null;
            }
            return value.GetString();
        }
    }
}
