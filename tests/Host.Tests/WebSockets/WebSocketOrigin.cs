using System.Net;
using System.Net.WebSockets;
using System.Text;
using ActorProxy.Host.Tests.DataPlane;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.Tests.WebSockets;

/// <summary>A WebSocket server on 127.0.0.1 (<c>/ws</c>): it speaks first ("hello from the
/// server"), then answers each text message with "echo: " and the message, until the client
/// closes.</summary>
internal sealed class WebSocketOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebSocketOrigin(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<WebSocketOrigin> StartAsync()
    {
        int port = TestBackend.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await socket.SendAsync(Encoding.UTF8.GetBytes("hello from the server"), WebSocketMessageType.Text, true, context.RequestAborted);
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                        return;
                    }
                    string text = Encoding.UTF8.GetString(buffer, 0, received.Count);
                    await socket.SendAsync(Encoding.UTF8.GetBytes($"echo: {text}"), WebSocketMessageType.Text, true, context.RequestAborted);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The proxy closed the tunnel.
            }
        });
        await app.StartAsync();
        return new WebSocketOrigin(app, port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
