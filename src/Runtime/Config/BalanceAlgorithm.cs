namespace ActorProxy.Runtime.Config;

/// <summary>A backend's <c>balance</c> algorithm.</summary>
public enum BalanceAlgorithm
{
    /// <summary>Each server in turn.</summary>
    RoundRobin,

    /// <summary>The server with the fewest requests in flight.</summary>
    LeastConn,

    /// <summary>A random server.</summary>
    Random,

    /// <summary>The first server (by name) that is up.</summary>
    First,
}
