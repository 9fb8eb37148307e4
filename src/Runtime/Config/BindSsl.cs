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
