using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorProxy.Actors.Admin;

namespace ActorProxy.Host.Remoting;

/// <summary>
/// The credentials of a node whose configuration names none, made at its first start in the
/// running user's own folder (<see cref="RemotingCredentials.DefaultFolder"/>): an authority of
/// its own, the certificate it signs (used by the node and by that user's admin tools alike),
/// and one key per admin level. The folder is mode 700 and its files 600, so another user can
/// neither reach the node nor read a key. A cluster's come from <c>scripts/cluster-certs.sh</c>.
/// </summary>
internal static class LocalCredentials
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(3650);

    /// <summary>Makes <paramref name="folder"/> unless it exists. Several nodes of one user may
    /// start at once: the folder appears whole, made by one of them, never half-written.</summary>
    /// <exception cref="CredentialsException">The folder could not be made.</exception>
    public static void EnsureExist(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }
        if (OperatingSystem.IsWindows())
        {
            throw new CredentialsException($"no remoting credentials in {folder}: make them with scripts/cluster-certs.sh and name their folder in actorproxy.remote.credentials");
        }
        string parent = Path.GetDirectoryName(Path.GetFullPath(folder))!;
        string draft = Path.Combine(parent, $".{Path.GetFileName(folder)}-{Guid.NewGuid():N}");
        try
        {
            // ~/.config/actorproxy is made for this user alone; an existing ~/.config is kept as it is.
            if (!Directory.Exists(parent))
            {
                Directory.CreateDirectory(parent, OwnerOnly);
            }
            Directory.CreateDirectory(draft, OwnerOnly);
            Write(draft);
            Directory.Move(draft, folder);
        }
        catch (IOException) when (Directory.Exists(folder))
        {
            // Another node of this user made it first; theirs is as good.
            Directory.Delete(draft, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialsException($"could not make the remoting credentials in {folder}: {e.Message}", e);
        }
    }

    // The authority's private key is not kept: this authority signs this one certificate, ever.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Write(string draft)
    {
        var now = DateTimeOffset.UtcNow;
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest($"CN=ActorProxy local authority, O={Environment.UserName}", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, critical: false));
        using var authority = authorityRequest.CreateSelfSigned(now.AddMinutes(-5), now + Lifetime);

        using var nodeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var nodeRequest = new CertificateRequest($"CN=actorproxy node, O={Environment.UserName}", nodeKey, HashAlgorithmName.SHA256);
        nodeRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        nodeRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        // Both ends of a remoting connection show a certificate: a node is a TLS server and client.
        nodeRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        nodeRequest.CertificateExtensions.Add(names.Build());
        nodeRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var node = nodeRequest.Create(authority, now.AddMinutes(-5), now + Lifetime, RandomNumberGenerator.GetBytes(16));

        WriteOwnerOnly(Path.Combine(draft, RemotingCredentials.AuthorityFile), authority.ExportCertificatePem() + "\n");
        WriteOwnerOnly(Path.Combine(draft, RemotingCredentials.CertificateFile), node.ExportCertificatePem() + "\n" + nodeKey.ExportPkcs8PrivateKeyPem() + "\n");
        foreach (var level in Enum.GetValues<AdminLevel>())
        {
            WriteOwnerOnly(Path.Combine(draft, RemotingCredentials.KeyFile(level)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void WriteOwnerOnly(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerReadWrite };
        using var file = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        file.Write(text);
    }
}
