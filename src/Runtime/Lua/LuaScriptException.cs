namespace ActorProxy.Runtime.Lua;

/// <summary>
/// A Lua chunk failed to compile or to run while it was loaded or called from .NET. The message
/// is Lua's, which names the chunk and line (<c>lua/worker.lua:12: attempt to call a nil value</c>).
/// </summary>
public sealed class LuaScriptException : Exception
{
    /// <summary>Creates the exception with Lua's message.</summary>
    public LuaScriptException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with Lua's message and the failure that caused it.</summary>
    public LuaScriptException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
