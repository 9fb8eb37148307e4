namespace ActorProxy.Runtime.Lua;

/// <summary>
/// The <c>tune.lua.*</c> settings, with HAProxy's names and defaults.
/// </summary>
public sealed record LuaTune
{
    /// <summary><c>tune.lua.maxmem</c>: bytes all Lua states together may hold; 0 for no limit.</summary>
    public long MaxMem { get; init; }

    /// <summary><c>tune.lua.forced-yield</c>: Lua instructions between two forced yields.</summary>
    public int ForcedYield { get; init; } = 10000;

    /// <summary><c>tune.lua.session-timeout</c>: run time allowed to an action, fetch or converter.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary><c>tune.lua.task-timeout</c>: run time allowed to a task, and to code run at boot
    /// (file bodies and init functions), which HAProxy leaves unbounded.</summary>
    public TimeSpan TaskTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary><c>tune.lua.service-timeout</c>: run time allowed to a service.</summary>
    public TimeSpan ServiceTimeout { get; init; } = TimeSpan.FromSeconds(4);
}
