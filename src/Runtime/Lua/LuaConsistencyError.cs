namespace ActorProxy.Runtime.Lua;

/// <summary>The boot-time rules a registered function can break (seed 000).</summary>
public enum LuaConsistencyRule
{
    /// <summary>Registered in the shared state and in per-thread states: the two are exclusive.</summary>
    SharedAndPerThread,

    /// <summary>Registered in some per-thread states but not all.</summary>
    NotInEveryThread,
}

/// <summary>One violation found by <see cref="LuaFunctionRegistry.CheckConsistency"/>.</summary>
/// <param name="Function">The function at fault.</param>
/// <param name="Rule">The rule it breaks.</param>
/// <param name="Message">What is wrong and what to do, naming the function.</param>
public sealed record LuaConsistencyError(LuaRegisteredFunction Function, LuaConsistencyRule Rule, string Message);
