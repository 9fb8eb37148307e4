using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ActorProxy.Host.Tests.Tls;

/// <summary>A certificate authority made for a test: a root, an intermediate it signed, and
/// server certificates the intermediate signs, written as HAProxy's <c>crt</c> PEM files (the
/// certificate, the intermediate, the key).</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _intermediate;

    public TestCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        var root = new CertificateRequest("CN=ActorProxy Test Root", _rootKey, HashAlgorithmName.SHA256);
        root.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        root.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Root = root.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        var intermediate = new CertificateRequest("CN=ActorProxy Test Intermediate", _intermediateKey, HashAlgorithmName.SHA256);
        intermediate.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        intermediate.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        intermediate.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(intermediate.PublicKey, false));
        using var signed = intermediate.Create(Root, now.AddDays(-1), now.AddDays(29), [1, 2, 3, 4]);
        _intermediate = signed.CopyWithPrivateKey(_intermediateKey);
    }

    /// <summary>The root a client trusts.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>Writes a server certificate for <paramref name="names"/> (the first is also its
    /// common name) to <paramref name="file"/>; with <paramref name="keyApart"/> its key goes to
    /// FILE.key instead.</summary>
    public void WriteServer(string file, bool keyApart = false, params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (string name in names)
        {
            san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(_intermediate, now.AddDays(-1), now.AddDays(28), RandomNumberGenerator.GetBytes(8));
        var pem = new StringBuilder()
            .AppendLine(certificate.ExportCertificatePem())
            .AppendLine(_intermediate.ExportCertificatePem());
        string keyPem = key.ExportPkcs8PrivateKeyPem();
        if (keyApart)
        {
            File.WriteAllText(file + ".key", keyPem + "\n");
        }
        else
        {
            pem.AppendLine(keyPem);
        }
        File.WriteAllText(file, pem.ToString());
    }

    /// <summary>A client certificate for <paramref name="name"/> (its common name) with its key and
    /// the intermediate, for a client to present.</summary>
    public System.Net.Security.SslStreamCertificateContext Client(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(_intermediate, now.AddDays(-1), now.AddDays(28), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return System.Net.Security.SslStreamCertificateContext.Create(certificate, [X509CertificateLoader.LoadCertificate(_intermediate.RawData)], offline: true);
    }

    /// <summary>Writes the root's certificate, a <c>ca-file</c>, to <paramref name="file"/>.</summary>
    public void WriteRoot(string file) => File.WriteAllText(file, Root.ExportCertificatePem() + "\n");

    /// <summary>A certificate for <paramref name="names"/> with its key and chain, for a server to present.</summary>
    public System.Net.Security.SslStreamCertificateContext Serving(params string[] names)
    {
        string file = Path.GetTempFileName();
        try
        {
            WriteServer(file, false, names);
            using var pem = X509Certificate2.CreateFromPemFile(file);
            // Exported and loaded again: an ephemeral key does not serve on every platform.
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            return System.Net.Security.SslStreamCertificateContext.Create(certificate, [X509CertificateLoader.LoadCertificate(_intermediate.RawData)], offline: true);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>True when <paramref name="certificate"/>, with what the server sent beside it,
    /// chains to <see cref="Root"/> (so the server sent the intermediate: the client has no other copy).</summary>
    public bool Chains(X509Certificate2 certificate, X509Chain? sent)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (sent is not null)
        {
            foreach (var element in sent.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
            chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
        }
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        _intermediate.Dispose();
        Root.Dispose();
        _intermediateKey.Dispose();
        _rootKey.Dispose();
    }
}
