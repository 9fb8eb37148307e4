namespace ActorProxy.Runtime.Config;

/// <summary>
/// The checks a configuration must pass before anything starts, in one place: value ranges,
/// files that must exist. Reading (types, unknown keys) is the reader's job.
/// </summary>
public static class ConfigValidator
{
    /// <summary>HAProxy's per-group limit: a thread mask is one machine word.</summary>
    public const int MaxThreadsPerGroup = 64;

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
