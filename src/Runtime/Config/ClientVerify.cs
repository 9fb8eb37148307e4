namespace ActorProxy.Runtime.Config;

/// <summary>A bind's <c>verify</c>, as HAProxy: none asks for no client certificate (the
/// default); optional asks and takes a connection without one; required aborts the handshake
/// without one. A certificate sent is always checked against <c>ca-file</c>.</summary>
public enum ClientVerify
{
    /// <summary>No client certificate is asked for.</summary>
    None,

    /// <summary>Asked for; a connection without one goes on.</summary>
    Optional,

    /// <summary>Asked for; a connection without one is refused.</summary>
    Required,
}
