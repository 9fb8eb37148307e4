namespace ActorProxy.Runtime.Tls;

/// <summary>
/// The certificates of one TLS bind, in the order its <c>crt</c> options load them, and the choice
/// among them by the name the client asks for (SNI), as HAProxy's ssl_sock_switchctx_cbk: a name
/// the certificate has exactly, else a wildcard covering the name's first label, else the bind's
/// first certificate.
/// </summary>
public sealed class ServerCertificates
{
    // HAProxy's extra files, which a crt folder holds beside the certificates and which are not loaded as such.
    private static readonly string[] ExtraFiles = [".key", ".ocsp", ".issuer", ".sctl"];

    private readonly Dictionary<string, ServerCertificate> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServerCertificate> _wildcard = new(StringComparer.Ordinal);

    private ServerCertificates(IReadOnlyList<ServerCertificate> all)
    {
        All = all;
        foreach (var certificate in all)
        {
            foreach (string name in certificate.Names)
            {
                // The first loaded keeps a name two certificates share.
                if (name.StartsWith("*.", StringComparison.Ordinal))
                {
                    _wildcard.TryAdd(name[1..], certificate);
                }
                else
                {
                    _exact.TryAdd(name, certificate);
                }
            }
        }
    }

    /// <summary>Every certificate, the default first.</summary>
    public IReadOnlyList<ServerCertificate> All { get; }

    /// <summary>Loads each <c>crt</c> path in turn: a file, or a folder whose files are loaded in
    /// name order (HAProxy's .key, .ocsp, .issuer and .sctl files left out). Throws
    /// <see cref="CertificateLoadException"/> for the first that cannot serve.</summary>
    public static ServerCertificates Load(IEnumerable<string> paths)
    {
        var all = new List<ServerCertificate>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.GetFiles(path)
                    .Where(f => !ExtraFiles.Any(extra => f.EndsWith(extra, StringComparison.Ordinal)))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                {
                    throw new CertificateLoadException(path, "is a folder with no certificate in it");
                }
                all.AddRange(files.Select(ServerCertificate.Load));
            }
            else if (File.Exists(path))
            {
                all.Add(ServerCertificate.Load(path));
            }
            else
            {
                throw new CertificateLoadException(path, "does not exist");
            }
        }
        return new ServerCertificates(all);
    }

    /// <summary>The certificate to present to a client that asked for <paramref name="serverName"/>
    /// (null when it sent no SNI).</summary>
    public ServerCertificate Choose(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return All[0];
        }
        string name = serverName.ToLowerInvariant();
        if (_exact.TryGetValue(name, out var exact))
        {
            return exact;
        }
        int dot = name.IndexOf('.');
        return dot > 0 && _wildcard.TryGetValue(name[dot..], out var wildcard) ? wildcard : All[0];
    }
}
