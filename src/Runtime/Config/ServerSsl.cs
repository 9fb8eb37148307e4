using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// The TLS of a <c>server</c> line (<c>ssl verify none|required ca-file FILE sni str(NAME)
/// verifyhost NAME</c>), as HAProxy 2.6 checks a server: with <c>verify required</c> (its
/// default) the certificate must chain to one of <c>ca-file</c>'s authorities, and its name is
/// checked only against <c>verifyhost</c>, else the SNI sent, else not at all.
/// </summary>
/// <param name="Verify">True for <c>verify required</c>.</param>
/// <param name="Authorities">The certificates of <c>ca-file</c>.</param>
/// <param name="ServerName">The SNI sent (<c>sni str(NAME)</c>), or null to send none, as HAProxy without <c>sni</c>.</param>
/// <param name="VerifyHost">The name of <c>verifyhost</c>, or null.</param>
public sealed record ServerSsl(bool Verify, X509Certificate2Collection Authorities, string? ServerName, string? VerifyHost)
{
    /// <summary>True when the server's <paramref name="certificate"/>, with the chain it sent,
    /// passes this server's verification.</summary>
    public bool Accepts(X509Certificate2 certificate, X509Chain? sent)
    {
        if (!Verify)
        {
            return true;
        }
        if (!Tls.CertificateChain.ChainsTo(certificate, sent, Authorities))
        {
            return false;
        }
        string? name = VerifyHost ?? ServerName;
        return name is null || certificate.MatchesHostname(name);
    }

    /// <summary>The options of an <see cref="SslStream"/> handshake with the server; with
    /// <paramref name="http2"/> (the server's <c>proto h2</c>) ALPN offers h2.</summary>
    public SslClientAuthenticationOptions ClientOptions(bool http2) => new()
    {
        // An empty target host sends no SNI.
        TargetHost = ServerName ?? "",
        ApplicationProtocols = http2 ? [SslApplicationProtocol.Http2] : null,
        RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
        {
            if (certificate is null)
            {
                return !Verify;
            }
            using var presented = new X509Certificate2(certificate);
            return Accepts(presented, chain);
        },
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };
}
