using System.Security.Authentication;

namespace ActorProxy.Runtime.Http;

/// <summary>The TLS of the client's connection, for the <c>ssl_fc*</c> fetches.</summary>
/// <param name="Protocol">The version, as OpenSSL names it for <c>ssl_fc_protocol</c> (<c>TLSv1.3</c>).</param>
/// <param name="ServerName">The name the client asked for (SNI), or null when it sent none.</param>
/// <param name="ApplicationProtocol">The protocol ALPN chose (<c>h2</c>), or null when none was.</param>
/// <param name="ClientSubject">The client certificate's subject in OpenSSL's one-line form
/// (<c>/CN=client</c>, <c>ssl_c_s_dn</c>), or null when the client sent none.</param>
/// <param name="ClientIssuer">Its issuer, in the same form (<c>ssl_c_i_dn</c>).</param>
public sealed record TlsSession(string Protocol, string? ServerName, string? ApplicationProtocol, string? ClientSubject = null, string? ClientIssuer = null)
{
    // OpenSSL's short names of the attributes a distinguished name commonly holds.
    private static readonly Dictionary<string, string> s_shortNames = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN", ["2.5.4.6"] = "C", ["2.5.4.7"] = "L", ["2.5.4.8"] = "ST", ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU", ["2.5.4.5"] = "serialNumber", ["1.2.840.113549.1.9.1"] = "emailAddress",
        ["0.9.2342.19200300.100.1.25"] = "DC", ["0.9.2342.19200300.100.1.1"] = "UID",
    };

    /// <summary>A distinguished name as OpenSSL's X509_NAME_oneline writes it: each attribute
    /// in the certificate's order, <c>/SHORT=value</c>.</summary>
    public static string OneLine(System.Security.Cryptography.X509Certificates.X500DistinguishedName name)
    {
        var text = new System.Text.StringBuilder();
        foreach (var part in name.EnumerateRelativeDistinguishedNames(reversed: false))
        {
            string oid = part.GetSingleElementType().Value ?? "";
            text.Append('/').Append(s_shortNames.GetValueOrDefault(oid, oid)).Append('=').Append(part.GetSingleElementValue());
        }
        return text.ToString();
    }

    /// <summary>OpenSSL's name of <paramref name="protocol"/> (SSL_get_version); the versions before
    /// 1.2 are not offered by the system's default.</summary>
    public static string NameOf(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls12 => "TLSv1.2",
        SslProtocols.Tls13 => "TLSv1.3",
        _ => protocol.ToString(),
    };
}
