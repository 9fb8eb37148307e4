using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorProxy.Runtime.Tls;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// The options of a <c>server</c> line after its address, those ActorProxy carries out:
/// <c>ssl verify none|required ca-file FILE sni str(NAME) verifyhost NAME</c>, <c>proto h2</c>,
/// <c>weight N</c> and <c>maxconn N</c>.
/// </summary>
/// <param name="Ssl">The server's TLS, or null for clear text.</param>
/// <param name="Http2">True for <c>proto h2</c>: HTTP/2 to the server (with prior knowledge in
/// clear text, by ALPN over TLS).</param>
/// <param name="Weight">Its load-balancing weight, 0 to 256 (HAProxy's default 1).</param>
/// <param name="MaxConn">The most sessions it serves at once, 0 for no limit.</param>
public sealed record ServerLine(ServerSsl? Ssl, bool Http2, int Weight = 1, int MaxConn = 0)
{
    /// <summary>The largest weight (SRV_UWGHT_MAX).</summary>
    public const int MaxWeight = 256;

    /// <summary>Reads the options; relative paths are from <paramref name="baseDirectory"/>.
    /// Throws <see cref="FormatException"/> for an option ActorProxy does not carry out or a
    /// misuse, with HAProxy's reason where it has one, and <see cref="CertificateLoadException"/>
    /// for a <c>ca-file</c> that cannot serve.</summary>
    public static ServerLine Parse(IReadOnlyList<string> options, string baseDirectory)
    {
        bool ssl = false, http2 = false;
        int weight = 1, maxConn = 0;
        bool? verify = null;
        string? caFile = null, serverName = null, verifyHost = null;
        for (int i = 0; i < options.Count; i++)
        {
            switch (options[i])
            {
                case "ssl":
                    ssl = true;
                    break;
                case "verify":
                    verify = Argument(options, ref i) switch
                    {
                        "none" => false,
                        "required" => true,
                        var other => throw new FormatException($"verify: expected 'none' or 'required', not '{other}'"),
                    };
                    break;
                case "ca-file":
                    caFile = Path.GetFullPath(Argument(options, ref i), baseDirectory);
                    break;
                case "sni":
                    serverName = ConstantName(Argument(options, ref i));
                    break;
                case "verifyhost":
                    verifyHost = Argument(options, ref i);
                    break;
                case "proto":
                    string proto = Argument(options, ref i);
                    http2 = proto == "h2"
                        ? true
                        : throw new FormatException($"proto: '{proto}' is not a protocol ActorProxy speaks to a server (h2)");
                    break;
                case "weight":
                    weight = ParseWeight(Argument(options, ref i));
                    break;
                case "maxconn":
                    maxConn = ParseMaxConn(Argument(options, ref i));
                    break;
                default:
                    throw new FormatException($"server option '{options[i]}' is not supported by ActorProxy; it carries out: ssl, verify none|required, ca-file FILE, sni str(NAME), verifyhost NAME, proto h2, weight N, maxconn N");
            }
        }
        if (!ssl)
        {
            return verify is not null || caFile is not null || serverName is not null || verifyHost is not null
                ? throw new FormatException("'verify', 'ca-file', 'sni' and 'verifyhost' need 'ssl' on the same server")
                : new ServerLine(null, http2, weight, maxConn);
        }
        if (verify != false && caFile is null)
        {
            // HAProxy 2.6's own refusal (ssl-server-verify required is its default).
            throw new FormatException("verify is enabled by default but no CA file specified. If you're running on a LAN where you're certain to trust the server's certificate, please set an explicit 'verify none' statement on the 'server' line");
        }
        return new ServerLine(new ServerSsl(verify != false, caFile is null ? [] : LoadAuthorities(caFile), serverName, verifyHost), http2, weight, maxConn);
    }

    // srv_parse_weight reads the number with atol, so that "3x" weighs 3 and "x" 0: ActorProxy
    // takes only a number, with HAProxy's words for one out of range.
    private static int ParseWeight(string text) =>
        !int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int weight)
            ? throw new FormatException($"weight: expected a number from 0 to {MaxWeight}, not '{text}'")
            : weight is < 0 or > MaxWeight
                ? throw new FormatException($"weight is not within 0 and {MaxWeight} ({weight})")
                : weight;

    // srv_parse_maxconn reads it with atol too: only a number from 0 is taken here.
    private static int ParseMaxConn(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int maxConn)
            ? maxConn
            : throw new FormatException($"maxconn: expected a number of connections from 0, not '{text}'");

    // HAProxy's sni takes a sample expression evaluated per request; connections to a server are
    // pooled by its address here, so only a constant name is carried out.
    private static string ConstantName(string expression) =>
        expression.StartsWith("str(", StringComparison.Ordinal) && expression.EndsWith(')') && expression.Length > 5
            ? expression[4..^1]
            : throw new FormatException($"sni '{expression}': ActorProxy pools a server's connections by its address, so it sends one name per server: write sni str(NAME)");

    /// <summary>The certificates of a <c>ca-file</c>; throws <see cref="CertificateLoadException"/>
    /// for one that is missing, unreadable or holds none.</summary>
    internal static X509Certificate2Collection LoadAuthorities(string file)
    {
        if (!File.Exists(file))
        {
            throw new CertificateLoadException(file, "does not exist");
        }
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(file);
        }
        catch (CryptographicException e)
        {
            throw new CertificateLoadException(file, $"holds a certificate that cannot be read: {e.Message}");
        }
        return authorities.Count > 0 ? authorities : throw new CertificateLoadException(file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    private static string Argument(IReadOnlyList<string> options, ref int i) =>
        ++i < options.Count ? options[i] : throw new FormatException($"'{options[i - 1]}' expects an argument");
}
