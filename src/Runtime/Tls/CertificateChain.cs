using System.Security.Cryptography.X509Certificates;

namespace ActorProxy.Runtime.Tls;

/// <summary>The check HAProxy makes of a peer's certificate against a <c>ca-file</c>: it must
/// chain to one of the file's authorities, through what the peer sent beside it.</summary>
public static class CertificateChain
{
    /// <summary>True when <paramref name="certificate"/> chains to one of
    /// <paramref name="authorities"/> (custom root trust, no revocation check), the intermediates
    /// taken from <paramref name="sent"/>, the chain the TLS handshake built of what the peer sent.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Chain? sent, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (sent is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
            foreach (var element in sent.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return chain.Build(certificate);
    }
}
