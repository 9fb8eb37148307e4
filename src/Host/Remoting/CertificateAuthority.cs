using System.Security.Cryptography.X509Certificates;

namespace ActorProxy.Host.Remoting;

/// <summary>The one trust decision of remoting: a certificate is a peer's when it chains to the
/// cluster's own authority, and only to it (the system's trusted roots play no part).</summary>
internal static class CertificateAuthority
{
    /// <summary>Null when <paramref name="certificate"/> is signed by <paramref name="authority"/>
    /// and in its validity period; else why not.</summary>
    public static string? WhyRefused(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // A cluster's own authority publishes no revocation lists.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(certificate))
        {
            return null;
        }
        string status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return $"certificate '{certificate.Subject}' is not signed by the authority '{authority.Subject}'{(status.Length > 0 ? $" ({status})" : "")}";
    }
}
