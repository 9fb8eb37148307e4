using System.Net;
using System.Net.Sockets;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>A TCP server on 127.0.0.1 for the parity tests' backends: each connection is served
/// by <c>serve</c> on its own task, bounded in time, then closed.</summary>
public sealed class TcpTestServer : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<NetworkStream, CancellationToken, Task> _serve;

    /// <summary>Starts listening; <paramref name="serve"/> answers each connection.</summary>
    public TcpTestServer(Func<NetworkStream, CancellationToken, Task> serve)
    {
        _serve = serve;
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>A server that sends back what it reads, until the connection ends.</summary>
    public static TcpTestServer Echo() => new(async (stream, cancel) =>
    {
        var buffer = new byte[256];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancel)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancel);
        }
    });

    /// <summary>Reads an HTTP request's head, up to its empty line; throws if the connection ends first.</summary>
    public static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken cancel)
    {
        var head = new System.Text.StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer, cancel);
            if (read == 0)
            {
                throw new IOException("the request's head never ended");
            }
            head.Append(System.Text.Encoding.Latin1.GetString(buffer, 0, read));
        }
        return head.ToString();
    }

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient accepted;
            try
            {
                accepted = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (accepted)
                {
                    try
                    {
                        using var timeout = new CancellationTokenSource(Wait);
                        await _serve(accepted.GetStream(), timeout.Token);
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException)
                    {
                        // The client or the proxy went away: nothing to answer.
                    }
                }
            });
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Stop();
}
