using System.Net;
using System.Net.Sockets;
using ActorProxy.Host.Tests.DataPlane;
using ActorProxy.Host.Tests.Tls;
using Grpc.Core;
using Grpc.Net.Client;

namespace ActorProxy.Host.Tests.Http2;

/// <summary>Issue #13, point 2: HTTP/2 from clients in clear text with prior knowledge
/// (<c>bind … proto h2</c>) and over TLS by ALPN, to servers with <c>proto h2</c>, and a real
/// gRPC call (unary and server stream, with trailers) through it — each compared with HAProxy
/// 2.6 on the same lines.</summary>
public sealed class Http2Tests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-h2");
    private readonly TestCertificates _authority = new();
    private readonly (int Haproxy, int ActorProxy) _h2c = (TestBackend.FreePort(), TestBackend.FreePort());
    private readonly (int Haproxy, int ActorProxy) _plain = (TestBackend.FreePort(), TestBackend.FreePort());
    private readonly (int Haproxy, int ActorProxy) _tls = (TestBackend.FreePort(), TestBackend.FreePort());
    private Http2Origin _origin = null!;
    private Parity.HaproxyProcess _haproxy = null!;
    private ActorProxyProcess _actorProxy = null!;

    public async Task InitializeAsync()
    {
        _origin = await Http2Origin.StartAsync();
        string dir = _directory.FullName;
        _authority.WriteServer(Path.Combine(dir, "a.pem"), false, "a.test");
        await File.WriteAllTextAsync(Path.Combine(dir, "haproxy.cfg"), $$"""
            defaults
              mode http
              timeout client 5s
              timeout server 5s
              timeout connect 5s
            frontend h2c
              bind 127.0.0.1:{{_h2c.Haproxy}} proto h2
              default_backend h2
            frontend plain
              bind 127.0.0.1:{{_plain.Haproxy}}
              default_backend h2
            frontend tls
              bind 127.0.0.1:{{_tls.Haproxy}} ssl crt {{dir}}/a.pem alpn h2,http/1.1
              default_backend h2
            backend h2
              server o 127.0.0.1:{{_origin.Port}} proto h2

            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "actorproxy.conf"), $$"""
            akka.remote.dot-netty.tcp.port = {{TestBackend.FreePort()}}
            actorproxy {
              frontends.h2c { bind = "127.0.0.1:{{_h2c.ActorProxy}} proto h2", default-backend = h2 }
              frontends.plain { bind = "127.0.0.1:{{_plain.ActorProxy}}", default-backend = h2 }
              frontends.tls { bind = "127.0.0.1:{{_tls.ActorProxy}} ssl crt a.pem alpn h2,http/1.1", default-backend = h2 }
              backends.h2.servers { o = "127.0.0.1:{{_origin.Port}} proto h2" }
            }
            """);
        _actorProxy = ActorProxyProcess.Start("run", "-f", Path.Combine(dir, "actorproxy.conf"));
        await _actorProxy.WaitForOutputAsync("ActorProxy running");
        _haproxy = await Parity.HaproxyProcess.StartAsync(Path.Combine(dir, "haproxy.cfg"), _h2c.Haproxy, _plain.Haproxy, _tls.Haproxy);
    }

    [Fact]
    public async Task PriorKnowledge_ClearText_ToAnHttp2Server_AsHaproxy()
    {
        string haproxy = await GetAsync($"http://127.0.0.1:{_h2c.Haproxy}/hello", HttpVersion.Version20);
        string actorProxy = await GetAsync($"http://127.0.0.1:{_h2c.ActorProxy}/hello", HttpVersion.Version20);

        Assert.Equal("2.0 200 protocol=HTTP/2 path=/hello", haproxy);
        Assert.Equal(haproxy, actorProxy);
    }

    [Fact]
    public async Task Http1Client_ToAnHttp2Server_AsHaproxy()
    {
        string haproxy = await GetAsync($"http://127.0.0.1:{_plain.Haproxy}/hello", HttpVersion.Version11);
        string actorProxy = await GetAsync($"http://127.0.0.1:{_plain.ActorProxy}/hello", HttpVersion.Version11);

        Assert.Equal("1.1 200 protocol=HTTP/2 path=/hello", haproxy);
        Assert.Equal(haproxy, actorProxy);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GrpcCalls_PassThrough_WithTheirTrailers_AsHaproxy(bool tls)
    {
        string haproxy = await CallAsync(tls ? _tls.Haproxy : _h2c.Haproxy, tls);
        string actorProxy = await CallAsync(tls ? _tls.ActorProxy : _h2c.ActorProxy, tls);

        Assert.Equal("echo: hi (x-said=2) | 1,2,3 (x-counted=3, OK)", haproxy);
        Assert.Equal(haproxy, actorProxy);
    }

    private static async Task<string> GetAsync(string url, Version version)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await client.SendAsync(request);
        return $"{response.Version} {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    // A unary call and a server stream on one channel; what came back, with the trailers.
    private async Task<string> CallAsync(int port, bool tls)
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
        using var channel = GrpcChannel.ForAddress(tls ? $"https://a.test:{port}" : $"http://a.test:{port}", new GrpcChannelOptions { HttpHandler = handler });
        var client = new Echo.EchoClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(10);

        using var say = client.SayAsync(new Words { Text = "hi" }, deadline: deadline);
        var said = await say;
        using var count = client.Count(new Words { Text = "3" }, deadline: deadline);
        var counted = new List<string>();
        await foreach (var words in count.ResponseStream.ReadAllAsync())
        {
            counted.Add(words.Text);
        }
        return $"{said.Text} (x-said={say.GetTrailers().GetValue("x-said")}) | {string.Join(',', counted)} " +
            $"(x-counted={count.GetTrailers().GetValue("x-counted")}, {count.GetStatus().StatusCode})";
    }

    private bool Trusted(System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Security.Cryptography.X509Certificates.X509Chain? chain)
    {
        using var presented = new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate!);
        return _authority.Chains(presented, chain);
    }


    public async Task DisposeAsync()
    {
        await _haproxy.DisposeAsync();
        await _actorProxy.StopAsync();
        await _origin.DisposeAsync();
        _authority.Dispose();
        _directory.Delete(recursive: true);
    }
}
