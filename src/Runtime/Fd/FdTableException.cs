namespace ActorProxy.Runtime.Fd;

/// <summary>An fd table invariant would break (HAProxy's <c>BUG_ON</c>): the operation is refused
/// and nothing changed. The message names the fd and the rule.</summary>
public sealed class FdTableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public FdTableException(string message) : base(message)
    {
    }
}
