using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>A server on 127.0.0.1 whose health checks (<c>GET /health</c>) wait for the test
/// to answer them one by one, so that a proxy's state can be read between two checks; any other
/// request is answered at once with an x-backend line naming it.</summary>
internal sealed class HeldCheckServer : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<NetworkStream> _checks = Channel.CreateUnbounded<NetworkStream>();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _name;
    private readonly Task _accepting;

    public HeldCheckServer(string name)
    {
        _name = name;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The check the proxy sends next, held until <see cref="Check.AnswerAsync"/>;
    /// throws when none comes within 15 s.</summary>
    public async Task<Check> NextCheckAsync()
    {
        using var limit = new CancellationTokenSource(Wait);
        try
        {
            return new Check(await _checks.Reader.ReadAsync(limit.Token));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no health check reached {_name} within {Wait.TotalSeconds:0} s");
        }
    }

    /// <summary>A health check the server holds.</summary>
    public sealed class Check(NetworkStream stream)
    {
        /// <summary>Answers with <paramref name="status"/> and closes the connection.</summary>
        public async Task AnswerAsync(int status)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Checked\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            await stream.DisposeAsync();
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        var stream = client.GetStream();
        try
        {
            while (true)
            {
                string head = await TcpTestServer.ReadHeadAsync(stream, _stop.Token);
                if (head.StartsWith("GET /health ", StringComparison.Ordinal))
                {
                    await _checks.Writer.WriteAsync(stream, _stop.Token);
                    return;
                }
                string body = $"{head[..head.IndexOf('\r')]}\nx-backend: {_name}\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}"), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
