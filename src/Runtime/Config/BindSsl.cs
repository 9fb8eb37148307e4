using ActorProxy.Runtime.Tls;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// The TLS of a <c>bind</c> line (<c>ssl crt FILE|FOLDER [crt …] [alpn LIST]</c>): the
/// certificates loaded, and the application protocols offered by ALPN, in the client's order of
/// preference as HAProxy's <c>alpn</c> gives them (none: no ALPN, HTTP/1.1).
/// </summary>
/// <param name="Certificates">The certificates, chosen by SNI.</param>
/// <param name="Alpn">The protocols of <c>alpn</c>, such as <c>h2</c> and <c>http/1.1</c>.</param>
public sealed record BindSsl(ServerCertificates Certificates, IReadOnlyList<string> Alpn)
{
    // The protocols ALPN may name that ActorProxy speaks on a bind.
    private static readonly string[] KnownProtocols = ["h2", "http/1.1", "http/1.0"];

    /// <summary>The options after a <c>bind</c> line's address; null with no <c>ssl</c>.
    /// Relative paths are from <paramref name="baseDirectory"/>. Throws
    /// <see cref="FormatException"/> for an option ActorProxy does not carry out or a misuse, and
    /// <see cref="CertificateLoadException"/> for a certificate that cannot serve.</summary>
    public static BindSsl? Parse(IReadOnlyList<string> options, string baseDirectory)
    {
        bool ssl = false;
        var certificates = new List<string>();
        IReadOnlyList<string> alpn = [];
        for (int i = 0; i < options.Count; i++)
        {
            switch (options[i])
            {
                case "ssl":
                    ssl = true;
                    break;
                case "crt":
                    certificates.Add(Path.GetFullPath(Argument(options, ref i), baseDirectory));
                    break;
                case "alpn":
                    alpn = Argument(options, ref i).Split(',');
                    if (alpn.FirstOrDefault(p => !KnownProtocols.Contains(p)) is { } unknown)
                    {
                        throw new FormatException($"alpn: '{unknown}' is not a protocol ActorProxy speaks ({string.Join(", ", KnownProtocols)})");
                    }
                    break;
                default:
                    throw new FormatException($"bind option '{options[i]}' is not supported by ActorProxy; it carries out: ssl, crt FILE|FOLDER, alpn LIST");
            }
        }
        if (!ssl)
        {
            return certificates.Count > 0 || alpn.Count > 0
                ? throw new FormatException("'crt' and 'alpn' need 'ssl' on the same bind")
                : null;
        }
        if (certificates.Count == 0)
        {
            // HAProxy: "No certificate specified for SSL bind".
            throw new FormatException("'ssl' needs a certificate: add 'crt FILE' (a PEM with the certificate, its chain and its key) or 'crt FOLDER'");
        }
        return new BindSsl(ServerCertificates.Load(certificates), alpn);
    }

    private static string Argument(IReadOnlyList<string> options, ref int i) =>
        ++i < options.Count ? options[i] : throw new FormatException($"'{options[i - 1]}' expects an argument");
}
