namespace ActorProxy.Runtime.Lua;

/// <summary>Which search path of Lua's <c>package</c> library a <see cref="LuaPrependPath"/> extends.</summary>
public enum LuaPathType
{
    /// <summary><c>package.path</c>: Lua modules.</summary>
    Path,

    /// <summary><c>package.cpath</c>: native modules.</summary>
    CPath,
}

/// <summary>
/// One <c>lua-prepend-path</c> directive: <paramref name="Path"/> (a template such as
/// <c>lua/lib/?.lua</c>) goes in front of <c>package.path</c> or <c>package.cpath</c> of every state.
/// </summary>
/// <param name="Path">The search template to prepend.</param>
/// <param name="Type">The search path it extends.</param>
public sealed record LuaPrependPath(string Path, LuaPathType Type = LuaPathType.Path)
{
    /// <summary>The field of <c>package</c> this entry extends.</summary>
    public string PackageField => Type == LuaPathType.Path ? "path" : "cpath";
}
