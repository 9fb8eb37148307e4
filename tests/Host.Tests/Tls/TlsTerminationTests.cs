using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ActorProxy.Host.Tests.Tls;

/// <summary>Issue #13, point 1: TLS on a bind as HAProxy 2.6 does it, each answer compared with
/// HAProxy's on the same certificates: the certificate SNI chooses, its chain, the ssl_fc fetches,
/// HTTP/2 by ALPN, a redirect of clear text to https, TLS in front of a TCP relay.</summary>
public sealed class TlsTerminationTests(TlsPair pair) : IClassFixture<TlsPair>
{
    [Theory]
    [InlineData("a.test", "a.test")]
    [InlineData("A.Test", "a.test")]
    [InlineData("b.test", "b.test")]
    [InlineData("alt.b.test", "b.test")]
    [InlineData("c.test", "c.test")]
    [InlineData("x.wild.test", "c.test")]
    [InlineData("y.x.wild.test", "a.test")]
    [InlineData("unknown.test", "a.test")]
    [InlineData(null, "a.test")]
    public async Task Sni_ChoosesTheCertificate_AndTheFetchesSeeIt_AsHaproxy(string? serverName, string presented)
    {
        var haproxy = await GetAsync(pair.Tls.Haproxy, serverName, alpn: null);
        var actorProxy = await GetAsync(pair.Tls.ActorProxy, serverName, alpn: null);

        Assert.Equal(presented, haproxy.Certificate);
        Assert.Equal(haproxy.Certificate, actorProxy.Certificate);
        Assert.True(actorProxy.Chains, "the intermediate was not sent with the certificate");
        Assert.Contains("ssl=1 ", haproxy.Body, StringComparison.Ordinal);
        Assert.Equal(haproxy.Body, actorProxy.Body);
    }

    [Theory]
    [InlineData("http/1.1")]
    [InlineData("h2")]
    public async Task Alpn_ChoosesTheProtocol_AsHaproxy(string protocol)
    {
        var haproxy = await GetAsync(pair.Tls.Haproxy, "a.test", alpn: protocol);
        var actorProxy = await GetAsync(pair.Tls.ActorProxy, "a.test", alpn: protocol);

        Assert.Equal(protocol, haproxy.Alpn);
        Assert.Equal(protocol, actorProxy.Alpn);
        if (protocol == "http/1.1")
        {
            Assert.Equal(haproxy.Body, actorProxy.Body);
        }
    }

    [Fact]
    public async Task Http2_OverTls_IsServed_AndSeesItsAlpn_AsHaproxy()
    {
        string haproxy = await GetHttp2Async(pair.Tls.Haproxy);
        string actorProxy = await GetHttp2Async(pair.Tls.ActorProxy);

        Assert.Equal("2.0 ssl=1 sni=a.test has_sni=1 proto=TLSv1.3 alpn=h2 sslv=TLSv1.3 ft=tls~", haproxy);
        Assert.Equal(haproxy, actorProxy);
    }

    [Fact]
    public async Task ClearText_IsRedirectedToHttps_AsHaproxy()
    {
        string haproxy = await ClearTextAsync(pair.Plain.Haproxy);
        string actorProxy = await ClearTextAsync(pair.Plain.ActorProxy);

        Assert.Equal("302 https://example.test/some/path?q=1", haproxy);
        Assert.Equal(haproxy, actorProxy);
    }

    [Fact]
    public async Task TcpMode_RelaysTheDecryptedBytes_AsHaproxy()
    {
        var haproxy = await GetAsync(pair.Tcp.Haproxy, "a.test", alpn: null);
        var actorProxy = await GetAsync(pair.Tcp.ActorProxy, "a.test", alpn: null);

        Assert.Contains("x-backend: origin", haproxy.Body, StringComparison.Ordinal);
        Assert.Equal(haproxy.Body, actorProxy.Body);
    }

    [Theory]
    [InlineData(false, null, "used=0 verify=0 s= i=")]
    [InlineData(false, "authority", "used=1 verify=0 s=/CN=client.test i=/CN=ActorProxy Test Intermediate")]
    [InlineData(false, "stranger", "(refused)")]
    [InlineData(true, null, "(refused)")]
    [InlineData(true, "authority", "used=1 verify=0 s=/CN=client.test i=/CN=ActorProxy Test Intermediate")]
    [InlineData(true, "stranger", "(refused)")]
    public async Task ClientCertificate_IsAskedForAndChecked_AsHaproxy(bool required, string? issuer, string expect)
    {
        var ports = required ? pair.ClientRequired : pair.ClientOptional;
        var context = issuer switch
        {
            "authority" => pair.Authority.Client("client.test"),
            "stranger" => pair.Stranger.Client("client.test"),
            _ => null,
        };

        string haproxy = await GetWithClientCertificateAsync(ports.Haproxy, context);
        string actorProxy = await GetWithClientCertificateAsync(ports.ActorProxy, context);

        Assert.Equal(expect, haproxy);
        Assert.Equal(haproxy, actorProxy);
    }

    // A handshake presenting context's certificate (none when null), then one request; the body,
    // or (refused) when the handshake or the first read fails (TLS 1.3 reports a refused client
    // certificate after the client's side of the handshake is over).
    private static async Task<string> GetWithClientCertificateAsync(int port, SslStreamCertificateContext? context)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(client.GetStream());
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "a.test",
                ClientCertificateContext = context,
                // The server's certificate is checked by the other tests; here the client's is.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
            }, limit.Token);
            await tls.WriteAsync(Encoding.ASCII.GetBytes("GET /x HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n"), limit.Token);
            using var received = new MemoryStream();
            await tls.CopyToAsync(received, limit.Token);
            string text = Encoding.ASCII.GetString(received.ToArray());
            int body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            return body < 0 ? "(refused)" : text[(body + 4)..];
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            return "(refused)";
        }
    }

    private sealed record TlsAnswer(string Certificate, bool Chains, string? Alpn, string Body);

    // A TLS handshake asking for serverName (none when null), then, unless ALPN chose h2, one
    // HTTP/1.1 request; the answer's body.
    private async Task<TlsAnswer> GetAsync(int port, string? serverName, string? alpn)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2? presented = null;
        bool chains = false;
        await using var tls = new SslStream(client.GetStream());
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            // An empty target host sends no SNI.
            TargetHost = serverName ?? "",
            ApplicationProtocols = alpn is null ? null : [new SslApplicationProtocol(alpn)],
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                presented = new X509Certificate2(certificate!);
                chains = pair.Authority.Chains(presented, chain);
                return chains;
            },
        }, limit.Token);
        string? chosen = tls.NegotiatedApplicationProtocol == default ? null : tls.NegotiatedApplicationProtocol.ToString();
        string body = "";
        if (chosen != "h2")
        {
            await tls.WriteAsync(Encoding.ASCII.GetBytes("GET /x HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n"), limit.Token);
            using var received = new MemoryStream();
            await tls.CopyToAsync(received, limit.Token);
            string text = Encoding.ASCII.GetString(received.ToArray());
            body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        }
        string name = presented!.GetNameInfo(X509NameType.SimpleName, false);
        presented.Dispose();
        return new TlsAnswer(name, chains, chosen, body);
    }

    // An HTTP/2 request (ALPN h2 only) to a.test; the version answered and the body.
    private async Task<string> GetHttp2Async(int port)
    {
        using var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, chain, _) => Trusted(certificate, chain) },
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, port, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://a.test:{port}/x")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.SendAsync(request);
        return $"{response.Version} {await response.Content.ReadAsStringAsync()}";
    }

    private bool Trusted(X509Certificate? certificate, X509Chain? chain)
    {
        using var presented = new X509Certificate2(certificate!);
        return pair.Authority.Chains(presented, chain);
    }

    private static async Task<string> ClearTextAsync(int port)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/some/path?q=1");
        request.Headers.Host = "example.test";
        using var response = await client.SendAsync(request);
        return $"{(int)response.StatusCode} {response.Headers.Location}";
    }
}
