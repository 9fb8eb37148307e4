using System.Security.Authentication;

namespace ActorProxy.Runtime.Http;

/// <summary>The TLS of the client's connection, for the <c>ssl_fc*</c> fetches.</summary>
/// <param name="Protocol">The version, as OpenSSL names it for <c>ssl_fc_protocol</c> (<c>TLSv1.3</c>).</param>
/// <param name="ServerName">The name the client asked for (SNI), or null when it sent none.</param>
/// <param name="ApplicationProtocol">The protocol ALPN chose (<c>h2</c>), or null when none was.</param>
public sealed record TlsSession(string Protocol, string? ServerName, string? ApplicationProtocol)
{
    /// <summary>OpenSSL's name of <paramref name="protocol"/> (SSL_get_version); the versions before
    /// 1.2 are not offered by the system's default.</summary>
    public static string NameOf(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls12 => "TLSv1.2",
        SslProtocols.Tls13 => "TLSv1.3",
        _ => protocol.ToString(),
    };
}
