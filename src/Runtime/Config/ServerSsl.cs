using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorProxy.Runtime.Tls;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// The TLS of a <c>server</c> line (<c>ssl verify none|required ca-file FILE sni str(NAME)
/// verifyhost NAME</c>), as HAProxy 2.6 checks a server: with <c>verify required</c> (its
/// default) the certificate must chain to one of <c>ca-file</c>'s authorities, and its name is
/// checked only against <c>verifyhost</c>, else the SNI sent, else not at all.
/// </summary>
/// <param name="Verify">True for <c>verify required</c>.</param>
/// <param name="Authorities">The certificates of <c>ca-file</c>.</param>
/// <param name="ServerName">The SNI sent (<c>sni str(NAME)</c>), or null to send none, as HAProxy without <c>sni</c>.</param>
/// <param name="VerifyHost">The name of <c>verifyhost</c>, or null.</param>
public sealed record ServerSsl(bool Verify, X509Certificate2Collection Authorities, string? ServerName, string? VerifyHost)
{
    /// <summary>The options after a server's address; null with no <c>ssl</c>. Relative paths
    /// are from <paramref name="baseDirectory"/>. Throws <see cref="FormatException"/> for an
    /// option ActorProxy does not carry out or a misuse, with HAProxy's reason where it has one,
    /// and <see cref="CertificateLoadException"/> for a <c>ca-file</c> that cannot serve.</summary>
    public static ServerSsl? Parse(IReadOnlyList<string> options, string baseDirectory)
    {
        bool ssl = false;
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
                default:
                    throw new FormatException($"server option '{options[i]}' is not supported by ActorProxy; it carries out: ssl, verify none|required, ca-file FILE, sni str(NAME), verifyhost NAME");
            }
        }
        if (!ssl)
        {
            return verify is not null || caFile is not null || serverName is not null || verifyHost is not null
                ? throw new FormatException("'verify', 'ca-file', 'sni' and 'verifyhost' need 'ssl' on the same server")
                : null;
        }
        if (verify != false && caFile is null)
        {
            // HAProxy 2.6's own refusal (ssl-server-verify required is its default).
            throw new FormatException("verify is enabled by default but no CA file specified. If you're running on a LAN where you're certain to trust the server's certificate, please set an explicit 'verify none' statement on the 'server' line");
        }
        return new ServerSsl(verify != false, caFile is null ? [] : LoadAuthorities(caFile), serverName, verifyHost);
    }

    /// <summary>True when the server's <paramref name="certificate"/>, with the chain it sent,
    /// passes this server's verification.</summary>
    public bool Accepts(X509Certificate2 certificate, X509Chain? sent)
    {
        if (!Verify)
        {
            return true;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (sent is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
            foreach (var element in sent.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        if (!chain.Build(certificate))
        {
            return false;
        }
        string? name = VerifyHost ?? ServerName;
        return name is null || certificate.MatchesHostname(name);
    }

    /// <summary>The options of an <see cref="SslStream"/> handshake with the server.</summary>
    public SslClientAuthenticationOptions ClientOptions() => new()
    {
        // An empty target host sends no SNI.
        TargetHost = ServerName ?? "",
        RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
        {
            if (certificate is null)
            {
                return !Verify;
            }
            using var presented = new X509Certificate2(certificate);
            return Accepts(presented, chain);
        },
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    // HAProxy's sni takes a sample expression evaluated per request; connections to a server are
    // pooled by its address here, so only a constant name is carried out.
    private static string ConstantName(string expression) =>
        expression.StartsWith("str(", StringComparison.Ordinal) && expression.EndsWith(')') && expression.Length > 5
            ? expression[4..^1]
            : throw new FormatException($"sni '{expression}': ActorProxy pools a server's connections by its address, so it sends one name per server: write sni str(NAME)");

    private static X509Certificate2Collection LoadAuthorities(string file)
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
