namespace ActorProxy.Runtime.Config;

/// <summary>A Lua file named by <c>lua-load</c> or <c>lua-load-per-thread</c>.</summary>
/// <param name="Path">Where to read it: resolved against the configuration file's folder.</param>
/// <param name="Name">The name as written in the configuration, which Lua's messages use.</param>
public sealed record LuaFile(string Path, string Name);
