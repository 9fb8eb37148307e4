using System.Net;
using System.Net.Sockets;
using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.Tls;

/// <summary>HAProxy 2.6 and ActorProxy side by side with the same TLS frontends, on certificates
/// made by <see cref="TestCertificates"/>: <c>tls</c> (three crt files, one with its key apart,
/// two of them loaded from a folder; ALPN h2 and http/1.1) answering what the ssl_fc fetches
/// give, <c>plain</c> redirecting clear text to https, and <c>tcp</c> relaying decrypted bytes to
/// an origin.</summary>
public sealed class TlsPair : IAsyncLifetime
{
    private const string Fetches = "ssl=%[ssl_fc] sni=%[ssl_fc_sni] has_sni=%[ssl_fc_has_sni] proto=%[ssl_fc_protocol] alpn=%[ssl_fc_alpn] sslv=%sslv ft=%ft";
    private const string ClientFetches = "used=%[ssl_c_used] verify=%[ssl_c_verify] s=%[ssl_c_s_dn] i=%[ssl_c_i_dn]";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-tls");
    private TestBackend _origin = null!;
    private Parity.HaproxyProcess _haproxy = null!;
    private ActorProxyProcess _actorProxy = null!;

    /// <summary>The authority of every certificate.</summary>
    public TestCertificates Authority { get; } = new();

    /// <summary>An authority no frontend trusts.</summary>
    public TestCertificates Stranger { get; } = new();

    /// <summary>The ports of each frontend, HAProxy's then ActorProxy's.</summary>
    public (int Haproxy, int ActorProxy) Tls { get; } = (TestBackend.FreePort(), TestBackend.FreePort());

    /// <inheritdoc cref="Tls"/>
    public (int Haproxy, int ActorProxy) Plain { get; } = (TestBackend.FreePort(), TestBackend.FreePort());

    /// <summary>Frontends asking for client certificates of the authority: verify optional, verify required.</summary>
    public (int Haproxy, int ActorProxy) ClientOptional { get; } = (TestBackend.FreePort(), TestBackend.FreePort());

    /// <inheritdoc cref="ClientOptional"/>
    public (int Haproxy, int ActorProxy) ClientRequired { get; } = (TestBackend.FreePort(), TestBackend.FreePort());

    /// <inheritdoc cref="Tls"/>
    public (int Haproxy, int ActorProxy) Tcp { get; } = (TestBackend.FreePort(), TestBackend.FreePort());

    public async Task InitializeAsync()
    {
        _origin = await TestBackend.StartAsync("origin");
        string dir = _directory.FullName;
        Authority.WriteServer(Path.Combine(dir, "a.pem"), false, "a.test");
        Directory.CreateDirectory(Path.Combine(dir, "more"));
        Authority.WriteServer(Path.Combine(dir, "more", "b.pem"), false, "b.test", "alt.b.test");
        Authority.WriteServer(Path.Combine(dir, "more", "c.pem"), true, "c.test", "*.wild.test");
        Authority.WriteRoot(Path.Combine(dir, "root.pem"));

        string haproxyConfig = Path.Combine(dir, "haproxy.cfg");
        await File.WriteAllTextAsync(haproxyConfig, $$"""
            defaults
              timeout client 5s
              timeout server 5s
              timeout connect 5s
            frontend tls
              mode http
              bind 127.0.0.1:{{Tls.Haproxy}} ssl crt {{dir}}/a.pem crt {{dir}}/more alpn h2,http/1.1
              http-request return status 200 content-type text/plain lf-string "{{Fetches}}"
            frontend client_optional
              mode http
              bind 127.0.0.1:{{ClientOptional.Haproxy}} ssl crt {{dir}}/a.pem ca-file {{dir}}/root.pem verify optional
              http-request return status 200 content-type text/plain lf-string "{{ClientFetches}}"
            frontend client_required
              mode http
              bind 127.0.0.1:{{ClientRequired.Haproxy}} ssl crt {{dir}}/a.pem ca-file {{dir}}/root.pem verify required
              http-request return status 200 content-type text/plain lf-string "{{ClientFetches}}"
            frontend plain
              mode http
              bind 127.0.0.1:{{Plain.Haproxy}}
              http-request redirect scheme https unless { ssl_fc }
              http-request return status 200 content-type text/plain string secure
            frontend tcp
              mode tcp
              bind 127.0.0.1:{{Tcp.Haproxy}} ssl crt {{dir}}/a.pem
              default_backend origin
            backend origin
              mode tcp
              server o 127.0.0.1:{{_origin.Port}}

            """);
        string actorProxyConfig = Path.Combine(dir, "actorproxy.conf");
        await File.WriteAllTextAsync(actorProxyConfig, $$"""
            akka.remote.dot-netty.tcp.port = {{TestBackend.FreePort()}}
            actorproxy {
              frontends.tls {
                bind = "127.0.0.1:{{Tls.ActorProxy}} ssl crt a.pem crt more alpn h2,http/1.1"
                http-request = [ "return status 200 content-type text/plain lf-string \"{{Fetches}}\"" ]
              }
              frontends.client_optional {
                bind = "127.0.0.1:{{ClientOptional.ActorProxy}} ssl crt a.pem ca-file root.pem verify optional"
                http-request = [ "return status 200 content-type text/plain lf-string \"{{ClientFetches}}\"" ]
              }
              frontends.client_required {
                bind = "127.0.0.1:{{ClientRequired.ActorProxy}} ssl crt a.pem ca-file root.pem verify required"
                http-request = [ "return status 200 content-type text/plain lf-string \"{{ClientFetches}}\"" ]
              }
              frontends.plain {
                bind = "127.0.0.1:{{Plain.ActorProxy}}"
                http-request = [ "redirect scheme https unless { ssl_fc }", "return status 200 content-type text/plain string secure" ]
              }
              frontends.tcp { bind = "127.0.0.1:{{Tcp.ActorProxy}} ssl crt a.pem", mode = tcp, default-backend = origin }
              backends.origin { mode = tcp, servers { o = "127.0.0.1:{{_origin.Port}}" } }
            }
            """);
        _actorProxy = ActorProxyProcess.Start("run", "-f", actorProxyConfig);
        // The start names each TLS frontend's certificates, in the order loaded.
        await _actorProxy.WaitForOutputAsync($"tls https://127.0.0.1:{Tls.ActorProxy} (3 certificate(s): a.test, b.test, c.test)");
        _haproxy = await Parity.HaproxyProcess.StartAsync(haproxyConfig, Tls.Haproxy, Plain.Haproxy, Tcp.Haproxy, ClientOptional.Haproxy, ClientRequired.Haproxy);
    }

    public async Task DisposeAsync()
    {
        await _haproxy.DisposeAsync();
        await _actorProxy.StopAsync();
        await _origin.DisposeAsync();
        Authority.Dispose();
        Stranger.Dispose();
        _directory.Delete(recursive: true);
    }

}
