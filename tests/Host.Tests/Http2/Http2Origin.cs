using System.Net;
using ActorProxy.Host.Tests.DataPlane;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.Tests.Http2;

/// <summary>A server on 127.0.0.1 that speaks HTTP/2 only, in clear text (prior knowledge): the
/// gRPC <see cref="EchoService"/>, and <c>/hello</c>, which says the protocol it was asked in.</summary>
internal sealed class Http2Origin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Http2Origin(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<Http2Origin> StartAsync()
    {
        int port = TestBackend.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // A proxy in front of it says the client's scheme (HAProxy sends :scheme https for a
            // request that came over TLS), which Kestrel refuses by default on clear text.
            kestrel.AllowAlternateSchemes = true;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        app.MapGet("/hello", (HttpContext context) => $"protocol={context.Request.Protocol} path={context.Request.Path}");
        await app.StartAsync();
        return new Http2Origin(app, port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
