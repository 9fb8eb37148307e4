using ActorProxy.Runtime.Tls;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// The options of a <c>bind</c> line after its address, those ActorProxy carries out:
/// <c>ssl crt FILE|FOLDER [crt …] [alpn LIST]</c> and <c>proto h2</c>.
/// </summary>
/// <param name="Ssl">The TLS of the bind, or null for clear text.</param>
/// <param name="Http2">True for <c>proto h2</c>: every connection speaks HTTP/2 (in clear
/// text, with prior knowledge), whatever ALPN says.</param>
public sealed record BindLine(BindSsl? Ssl, bool Http2)
{
    // The protocols ALPN may name that ActorProxy speaks on a bind.
    private static readonly string[] KnownProtocols = ["h2", "http/1.1", "http/1.0"];

    /// <summary>Reads the options; relative paths are from <paramref name="baseDirectory"/>.
    /// Throws <see cref="FormatException"/> for an option ActorProxy does not carry out or a
    /// misuse, and <see cref="CertificateLoadException"/> for a certificate that cannot serve.</summary>
    public static BindLine Parse(IReadOnlyList<string> options, string baseDirectory)
    {
        bool ssl = false, http2 = false;
        var verify = ClientVerify.None;
        string? caFile = null;
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
                case "verify":
                    verify = Argument(options, ref i) switch
                    {
                        "none" => ClientVerify.None,
                        "optional" => ClientVerify.Optional,
                        "required" => ClientVerify.Required,
                        var other => throw new FormatException($"verify: expected none, optional or required, not '{other}'"),
                    };
                    break;
                case "ca-file":
                    caFile = Path.GetFullPath(Argument(options, ref i), baseDirectory);
                    break;
                case "proto":
                    string proto = Argument(options, ref i);
                    http2 = proto == "h2"
                        ? true
                        : throw new FormatException($"proto: '{proto}' is not a protocol ActorProxy speaks on a bind (h2)");
                    break;
                default:
                    throw new FormatException($"bind option '{options[i]}' is not supported by ActorProxy; it carries out: ssl, crt FILE|FOLDER, alpn LIST, verify none|optional|required, ca-file FILE, proto h2");
            }
        }
        if (!ssl)
        {
            return certificates.Count > 0 || alpn.Count > 0 || caFile is not null || verify != ClientVerify.None
                ? throw new FormatException("'crt', 'alpn', 'verify' and 'ca-file' need 'ssl' on the same bind")
                : new BindLine(null, http2);
        }
        if (verify != ClientVerify.None && caFile is null)
        {
            throw new FormatException($"'verify {verify.ToString().ToLowerInvariant()}' needs a 'ca-file' the client certificates must chain to");
        }
        if (certificates.Count == 0)
        {
            // HAProxy: "No certificate specified for SSL bind".
            throw new FormatException("'ssl' needs a certificate: add 'crt FILE' (a PEM with the certificate, its chain and its key) or 'crt FOLDER'");
        }
        return new BindLine(new BindSsl(ServerCertificates.Load(certificates), alpn, verify,
            caFile is null ? null : ServerLine.LoadAuthorities(caFile)), http2);
    }

    private static string Argument(IReadOnlyList<string> options, ref int i) =>
        ++i < options.Count ? options[i] : throw new FormatException($"'{options[i - 1]}' expects an argument");
}
