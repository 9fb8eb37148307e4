namespace ActorProxy.Runtime.Lua;

/// <summary>
/// The Lua part of a start failed: files that did not load, init functions that failed, or
/// registrations that break the consistency rules. <see cref="Errors"/> lists every one.
/// </summary>
public sealed class LuaBootException : Exception
{
    /// <summary>Creates the exception from every error found.</summary>
    public LuaBootException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    /// <summary>Every error, one line each, naming the file:line or the function at fault.</summary>
    public IReadOnlyList<string> Errors { get; }
}
