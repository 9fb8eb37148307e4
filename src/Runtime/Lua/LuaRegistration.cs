namespace ActorProxy.Runtime.Lua;

/// <summary>What <see cref="LuaFunctionRegistry.Register"/> did.</summary>
public enum LuaRegistrationOutcome
{
    /// <summary>The name was new.</summary>
    Added,

    /// <summary>The name existed from another state; this state's reference was added.</summary>
    AddedState,

    /// <summary>The same state registered the name again: its reference was replaced, with a warning.</summary>
    Replaced,
}

/// <summary>The result of one registration.</summary>
/// <param name="Function">The registered function.</param>
/// <param name="Outcome">Whether it was new, new to the state, or replaced.</param>
/// <param name="ReplacedReference">For <see cref="LuaRegistrationOutcome.Replaced"/>, the reference
/// it replaced, which the caller should release; otherwise <see cref="LuaRegisteredFunction.NoReference"/>.</param>
public readonly record struct LuaRegistration(LuaRegisteredFunction Function, LuaRegistrationOutcome Outcome, int ReplacedReference);
