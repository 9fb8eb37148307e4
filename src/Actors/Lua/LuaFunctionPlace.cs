using ActorProxy.Runtime.Lua;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// Where a Lua function registered by name runs: in the shared state (<c>lua-load</c>, the
/// cluster's singleton, maybe on another node) when that state registered it, else in the
/// connection's worker's own state (<c>lua-load-per-thread</c>). The one place that decides, for
/// rules, services, TCP services and CLI commands alike; the consistency check at boot makes
/// sure a name lives in one of the two only.
/// </summary>
public static class LuaFunctionPlace
{
    /// <summary>True when <c>lua.</c><paramref name="name"/> of <paramref name="kind"/> runs in the shared state.</summary>
    public static bool InSharedState(LuaFunctionRegistry registry, LuaFunctionKind kind, string name) =>
        registry.Find(kind, name)?.IsIn(0) == true;
}
