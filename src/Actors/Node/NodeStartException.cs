namespace ActorProxy.Actors.Node;

/// <summary>A node could not start for a reason other than its configuration or its Lua: it
/// could not join its cluster, or a boot step did not answer in time. The message says which
/// and what to check.</summary>
public sealed class NodeStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NodeStartException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
