namespace ActorProxy.Runtime.Lua;

/// <summary>
/// A C# function called from Lua got an argument it cannot use. The call turns it into a Lua
/// error raised at the caller, worded as Lua's own (<c>bad argument #1 to 'sleep' (number expected, got string)</c>).
/// </summary>
public sealed class LuaArgumentException : Exception
{
    /// <summary>Creates the exception with the complete Lua error message.</summary>
    public LuaArgumentException(string message) : base(message)
    {
    }
}
