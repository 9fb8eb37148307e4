using ActorProxy.Runtime.Tls;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// The TLS of a <c>bind</c> line (<c>ssl crt FILE|FOLDER [crt …] [alpn LIST]</c>): the
/// certificates loaded, and the application protocols offered by ALPN, in the client's order of
/// preference as HAProxy's <c>alpn</c> gives them (none: no ALPN, HTTP/1.1).
/// </summary>
/// <param name="Certificates">The certificates, chosen by SNI.</param>
/// <param name="Alpn">The protocols of <c>alpn</c>, such as <c>h2</c> and <c>http/1.1</c>.</param>
/// <param name="ClientVerify">HAProxy's <c>verify</c>: whether a client certificate is asked for
/// and must be sent.</param>
/// <param name="ClientAuthorities">The certificates of <c>ca-file</c>, which a client's must chain to.</param>
public sealed record BindSsl(ServerCertificates Certificates, IReadOnlyList<string> Alpn,
    ClientVerify ClientVerify = ClientVerify.None, System.Security.Cryptography.X509Certificates.X509Certificate2Collection? ClientAuthorities = null);

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
