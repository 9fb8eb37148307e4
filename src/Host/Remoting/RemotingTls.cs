using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ActorProxy.Host.Remoting;

/// <summary>
/// akka.remote over TLS with a certificate on both sides (Akka.Remote's own
/// <see cref="DotNettySslSetup"/>): a peer, node or admin tool, is let in only when its
/// certificate chains to the cluster's authority (<see cref="CertificateAuthority"/>). The
/// names in a certificate are not checked: members reach each other by address, and the
/// authority is the cluster's own. A refusal is logged on the side that refuses.
/// </summary>
internal static class RemotingTls
{
    /// <summary>The scheme of a member's address once TLS is on, as in a seed node's
    /// <c>akka.ssl.tcp://actorproxy@HOST:PORT</c>.</summary>
    public const string Protocol = "akka.ssl.tcp";

    /// <summary>The HOCON that turns TLS on; the certificate comes with <see cref="Setup"/>.</summary>
    public static Config Config { get; } = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.enable-ssl = true");

    /// <summary>The setup that gives the transport <paramref name="credentials"/>' certificate and
    /// checks every peer's against their authority.</summary>
    public static Setup Setup(RemotingCredentials credentials) => new DotNettySslSetup(
        credentials.Certificate,
        suppressValidation: false,
        requireMutualAuthentication: true,
        validateCertificateHostname: false,
        customValidator: (certificate, _, peer, _, log) => Admits(certificate, credentials.Authority, peer, log));

    private static bool Admits(X509Certificate2? certificate, X509Certificate2 authority, string peer, ILoggingAdapter log)
    {
        if (certificate is null)
        {
            log.Warning("remoting: refused {0}: it showed no certificate", peer);
            return false;
        }
        if (CertificateAuthority.WhyRefused(certificate, authority) is { } why)
        {
            log.Warning("remoting: refused {0}: its {1}", peer, why);
            return false;
        }
        return true;
    }
}
