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
