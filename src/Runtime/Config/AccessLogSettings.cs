using ActorProxy.Runtime.Logging;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// A frontend's access log: its <c>log</c> targets (<c>log global</c> takes the global ones) and
/// what it writes there. With no format (no <c>option httplog</c>, <c>tcplog</c> or
/// <c>log-format</c>) HAProxy logs each connection as it is accepted ("Connect from …"), and so
/// does ActorProxy.
/// </summary>
/// <param name="Targets">Where lines go.</param>
/// <param name="Format">One line per request (HTTP) or connection (TCP), or null for the connection lines.</param>
public sealed record AccessLogSettings(IReadOnlyList<LogTarget> Targets, LogFormat? Format)
{
    /// <summary><c>option dontlognull</c>: no line for a connection that sent nothing.</summary>
    public bool DontLogNull { get; init; }

    /// <summary><c>option log-separate-errors</c>: lines reporting an error go at level err.</summary>
    public bool SeparateErrors { get; init; }

    /// <summary><c>option dontlog-normal</c>: only lines reporting an error.</summary>
    public bool DontLogNormal { get; init; }
}
