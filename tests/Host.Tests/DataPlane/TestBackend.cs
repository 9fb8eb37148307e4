using System.Net;
using System.Net.Sockets;
using System.Net.Security;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.Tests.DataPlane;

/// <summary>A Kestrel app on 127.0.0.1 that answers every request with what it received:
/// the method and URL on the first line, then one "name: value" line per header.</summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private static readonly object SniKey = new();

    private readonly WebApplication _app;

    private TestBackend(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts a backend; an unhealthy one answers its health checks (/health) with 500
    /// but still serves; every answer names the backend in an x-backend line. With a
    /// <paramref name="tls"/> it speaks TLS, and each answer also says the name the client asked
    /// for in a tls-sni line (- for none).</summary>
    public static async Task<TestBackend> StartAsync(string name = "main", bool healthy = true, SslStreamCertificateContext? tls = null)
    {
        int port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            if (tls is not null)
            {
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = hello =>
                    {
                        hello.Connection.Items[SniKey] = hello.ClientHelloInfo.ServerName;
                        return ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = tls });
                    },
                });
            }
        }));
        var app = builder.Build();
        app.Run(async context =>
        {
            if (context.Request.Path == "/health")
            {
                context.Response.StatusCode = healthy ? 200 : 500;
                return;
            }
            var lines = new List<string> { $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}", $"x-backend: {name}" };
            if (tls is not null)
            {
                string? sni = context.Features.Get<IConnectionItemsFeature>()?.Items[SniKey] as string;
                lines.Add($"tls-sni: {(string.IsNullOrEmpty(sni) ? "-" : sni)}");
            }
            lines.AddRange(context.Request.Headers.Select(h => $"{h.Key.ToLowerInvariant()}: {h.Value}"));
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(string.Join('\n', lines) + "\n");
        });
        await app.StartAsync();
        return new TestBackend(app, port);
    }

    // Below Linux's ephemeral range (32768+), so that no outgoing connection takes a port between
    // the moment it is chosen and the moment a proxy binds it; each port is handed out once.
    private static int s_nextPort = 20000 + Random.Shared.Next(0, 8000);

    /// <summary>A port nothing listens on right now, never handed out before in this test run.</summary>
    public static int FreePort()
    {
        while (true)
        {
            int port = Interlocked.Increment(ref s_nextPort);
            if (port >= 32768)
            {
                throw new InvalidOperationException("no free port left below the ephemeral range");
            }
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try the next one.
            }
        }
    }

    /// <summary>The value of <paramref name="header"/> in a backend answer, or null.</summary>
    public static string? Header(string answer, string header) =>
        answer.Split('\n').FirstOrDefault(line => line.StartsWith(header + ": ", StringComparison.Ordinal))?[(header.Length + 2)..];

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
