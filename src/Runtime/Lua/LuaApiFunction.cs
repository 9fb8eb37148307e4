namespace ActorProxy.Runtime.Lua;

/// <summary>
/// A C# function that Lua code calls. It reads its arguments from <paramref name="call"/> and
/// returns through it: <c>return call.Return(42);</c>, or <c>return call.Fail("reason");</c>,
/// which raises a Lua error at the caller. It must not call back into Lua or keep
/// <paramref name="call"/> past its return.
/// </summary>
/// <returns>The number of values it pushed, as <see cref="LuaCall"/>'s methods return.</returns>
public delegate int LuaApiFunction(LuaCall call);
