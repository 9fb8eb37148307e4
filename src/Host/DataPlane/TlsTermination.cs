using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// A frontend's <c>bind … ssl crt …</c> on Kestrel: each handshake presents the certificate
/// <see cref="Runtime.Tls.ServerCertificates"/> chooses for the client's SNI, with its chain, and
/// offers the bind's <c>alpn</c> protocols; HTTP/2 is spoken when ALPN may choose it.
/// </summary>
internal static class TlsTermination
{
    /// <summary>Puts TLS on <paramref name="listen"/>, and the protocols ALPN may choose; call it
    /// after the middleware that must see the encrypted bytes (timeouts, the fd table) and before
    /// the one that reads requests.</summary>
    public static void Use(ListenOptions listen, BindSsl ssl)
    {
        List<SslApplicationProtocol>? protocols = ssl.Alpn.Count == 0 ? null : [.. ssl.Alpn.Select(p => new SslApplicationProtocol(p))];
        // Made once: a handshake only picks one.
        var options = ssl.Certificates.All.ToDictionary(c => c, c => new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(c.Leaf, c.Chain, offline: true),
            ApplicationProtocols = protocols,
            ClientCertificateRequired = ssl.ClientVerify != ClientVerify.None,
            RemoteCertificateValidationCallback = ssl.ClientVerify == ClientVerify.None ? null : (_, certificate, chain, _) => ClientAccepted(ssl, certificate, chain),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        });
        listen.Protocols = (ssl.Alpn.Contains("h2"), ssl.Alpn.Any(p => p.StartsWith("http/1", StringComparison.Ordinal))) switch
        {
            (true, true) => HttpProtocols.Http1AndHttp2,
            (true, false) => HttpProtocols.Http2,
            _ => HttpProtocols.Http1,
        };
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = context => ValueTask.FromResult(options[ssl.Certificates.Choose(context.ClientHelloInfo.ServerName)]),
        });
        // The session's fetches are the connection's: made once, when the handshake is over and
        // before any request (so every stream of an HTTP/2 connection only reads it).
        listen.Use(next => connection =>
        {
            connection.Items[SessionKey] = Describe(connection.Features);
            AccessLog.ClientConnectionLog.HandshakeOver(connection.Items);
            return next(connection);
        });
    }

    private static readonly object SessionKey = new();

    // HAProxy's check of a client certificate: none is fine only with verify optional; one sent
    // must chain to the ca-file's authorities, whatever verify says.
    private static bool ClientAccepted(BindSsl ssl, X509Certificate? certificate, X509Chain? sent)
    {
        if (certificate is null)
        {
            return ssl.ClientVerify == ClientVerify.Optional;
        }
        using var presented = new X509Certificate2(certificate);
        return Runtime.Tls.CertificateChain.ChainsTo(presented, sent, ssl.ClientAuthorities!);
    }

    /// <summary>The TLS of the connection whose features are <paramref name="features"/> (a
    /// connection's or a request's), or null for clear text.</summary>
    public static TlsSession? SessionOf(IFeatureCollection features) =>
        features.Get<IConnectionItemsFeature>()?.Items is { } items && items.TryGetValue(SessionKey, out var session) ? session as TlsSession : null;

    private static TlsSession? Describe(IFeatureCollection features)
    {
        if (features.Get<ITlsHandshakeFeature>() is not { } handshake)
        {
            return null;
        }
        var alpn = features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol ?? default;
        var client = features.Get<ITlsConnectionFeature>()?.ClientCertificate;
        return new TlsSession(TlsSession.NameOf(handshake.Protocol), string.IsNullOrEmpty(handshake.HostName) ? null : handshake.HostName,
            alpn.IsEmpty ? null : System.Text.Encoding.ASCII.GetString(alpn.Span),
            client is null ? null : TlsSession.OneLine(client.SubjectName), client is null ? null : TlsSession.OneLine(client.IssuerName));
    }
}
