using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorProxy.Actors.Admin;

namespace ActorProxy.Host.Remoting;

/// <summary>
/// What a node or an admin tool shows and checks on akka.remote, read from one folder:
/// <c>ca.crt</c>, the authority that signs every member and tool of the cluster; <c>node.pem</c>,
/// this process's certificate and private key (HAProxy's <c>crt</c> form: the certificate, then
/// the key); and <c>admin.key</c>, <c>operator.key</c>, <c>user.key</c>, the keys that grant
/// admin commands their level. The folder must be its owner's alone, as ssh wants of ~/.ssh.
/// </summary>
internal sealed class RemotingCredentials : IDisposable
{
    /// <summary>The authority's certificate.</summary>
    public const string AuthorityFile = "ca.crt";

    /// <summary>This process's certificate and key.</summary>
    public const string CertificateFile = "node.pem";

    private const UnixFileMode OthersMode = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private RemotingCredentials(string folder, X509Certificate2 certificate, X509Certificate2 authority, IReadOnlyDictionary<AdminLevel, string> keys)
    {
        Folder = folder;
        Certificate = certificate;
        Authority = authority;
        Keys = keys;
    }

    /// <summary>The folder read.</summary>
    public string Folder { get; }

    /// <summary>This process's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate authority every peer's certificate must chain to.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The admin keys present, by the level each grants.</summary>
    public IReadOnlyDictionary<AdminLevel, string> Keys { get; }

    /// <summary>The file of the key for <paramref name="level"/>: <c>admin.key</c>…</summary>
    public static string KeyFile(AdminLevel level) => $"{level.ToString().ToLowerInvariant()}.key";

    /// <summary>The running user's own folder: <c>$XDG_CONFIG_HOME/actorproxy/remote</c>, else
    /// <c>~/.config/actorproxy/remote</c>. A node whose configuration names no folder makes it at
    /// its first start (<see cref="LocalCredentials"/>) and <c>actorproxy admin</c> reads it, so on
    /// one machine the node and its user's tools trust each other and no other user.</summary>
    public static string DefaultFolder()
    {
        string? config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(config))
        {
            // HOME as set, even when it does not exist (nobody's /nonexistent), so the folder is never relative.
            string? home = Environment.GetEnvironmentVariable("HOME");
            config = Path.Combine(string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home, ".config");
        }
        return Path.Combine(config, "actorproxy", "remote");
    }

    /// <summary>Reads <paramref name="folder"/>.</summary>
    /// <exception cref="CredentialsException">A file is missing, unreadable, malformed, open to
    /// other users, or the certificate is not the authority's.</exception>
    public static RemotingCredentials Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new CredentialsException($"no remoting credentials in {folder}: the folder does not exist or cannot be entered");
        }
        EnsureOwnerOnly(folder);
        string authorityPath = Path.Combine(folder, AuthorityFile);
        string certificatePath = Path.Combine(folder, CertificateFile);
        var authority = Read(authorityPath, () => X509Certificate2.CreateFromPem(File.ReadAllText(authorityPath)));
        var certificate = Read(certificatePath, () => X509Certificate2.CreateFromPemFile(certificatePath));
        if (!certificate.HasPrivateKey)
        {
            throw new CredentialsException($"{certificatePath}: no private key after the certificate (it holds the certificate, then its key)");
        }
        if (CertificateAuthority.WhyRefused(certificate, authority) is { } why)
        {
            throw new CredentialsException($"{certificatePath}: {why} ({authorityPath})");
        }
        var keys = new Dictionary<AdminLevel, string>();
        foreach (var level in Enum.GetValues<AdminLevel>())
        {
            string path = Path.Combine(folder, KeyFile(level));
            if (File.Exists(path))
            {
                EnsureOwnerOnly(path);
                string key = Read(path, () => File.ReadAllText(path).Trim());
                if (key.Length < 16)
                {
                    throw new CredentialsException($"{path}: an admin key is at least 16 characters (scripts/cluster-certs.sh makes 44)");
                }
                keys[level] = key;
            }
        }
        return new RemotingCredentials(folder, certificate, authority, keys);
    }

    private static T Read<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new CredentialsException($"{path}: {(e is FileNotFoundException ? "missing" : e.Message)}", e);
        }
    }

    // A key readable by others is a key of theirs too; refuse it rather than run with it.
    private static void EnsureOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & OthersMode) != 0)
        {
            throw new CredentialsException($"{path} is open to other users (mode {Convert.ToString((int)mode, 8)}): chmod {(Directory.Exists(path) ? "700" : "600")} {path}");
        }
    }

    /// <summary>Frees the certificates.</summary>
    public void Dispose()
    {
        Certificate.Dispose();
        Authority.Dispose();
    }
}
