using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorProxy.Runtime.Tls;

/// <summary>
/// One certificate a TLS bind presents, as HAProxy loads a <c>crt</c> PEM file: the first
/// certificate of the file with its private key (from the file, or else from FILE.key beside it),
/// the file's other certificates as its chain, and the names SNI chooses it by (its DNS
/// subject alternative names and its common names, as ssl_sock_load_cert_sni).
/// </summary>
public sealed class ServerCertificate
{
    private ServerCertificate(string file, X509Certificate2 leaf, X509Certificate2Collection chain, IReadOnlyList<string> names)
    {
        File = file;
        Leaf = leaf;
        Chain = chain;
        Names = names;
    }

    /// <summary>The PEM file it came from.</summary>
    public string File { get; }

    /// <summary>The certificate, with its private key.</summary>
    public X509Certificate2 Leaf { get; }

    /// <summary>The intermediate certificates sent after it.</summary>
    public X509Certificate2Collection Chain { get; }

    /// <summary>The names it answers for, in lower case; a wildcard as <c>*.example.org</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Loads <paramref name="file"/>; throws <see cref="CertificateLoadException"/>
    /// saying what is wrong with it.</summary>
    public static ServerCertificate Load(string file)
    {
        string pem;
        try
        {
            pem = System.IO.File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CertificateLoadException(file, $"cannot be read: {e.Message}");
        }
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new CertificateLoadException(file, $"holds a certificate that cannot be read: {e.Message}");
        }
        if (all.Count == 0)
        {
            throw new CertificateLoadException(file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        string keyPem = HasPrivateKey(pem) ? pem : KeyBeside(file);
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(pem, keyPem);
        }
        // ArgumentException: a key that is not the certificate's.
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new CertificateLoadException(file, $"has a private key that cannot be used with its certificate: {e.Message}");
        }
        var chain = new X509Certificate2Collection();
        for (int i = 1; i < all.Count; i++)
        {
            chain.Add(all[i]);
        }
        all[0].Dispose();
        return new ServerCertificate(file, leaf, chain, NamesOf(leaf));
    }

    private static bool HasPrivateKey(string pem) => pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal);

    // HAProxy's ssl-load-extra-files default: a key kept apart in FILE.key.
    private static string KeyBeside(string file)
    {
        string keyFile = file + ".key";
        if (!System.IO.File.Exists(keyFile))
        {
            throw new CertificateLoadException(file, $"holds no private key, and there is no {Path.GetFileName(keyFile)} beside it");
        }
        try
        {
            return System.IO.File.ReadAllText(keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CertificateLoadException(keyFile, $"cannot be read: {e.Message}");
        }
    }

    private static List<string> NamesOf(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            names.AddRange(extension.EnumerateDnsNames().Select(n => n.ToLowerInvariant()));
        }
        foreach (var part in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (part.GetSingleElementType().Value == "2.5.4.3" && part.GetSingleElementValue() is { Length: > 0 } commonName)
            {
                names.Add(commonName.ToLowerInvariant());
            }
        }
        return names;
    }
}
