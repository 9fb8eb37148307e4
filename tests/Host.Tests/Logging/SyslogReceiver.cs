using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace ActorProxy.Host.Tests.Logging;

/// <summary>A syslog server on 127.0.0.1 (UDP) for a test: each datagram is a line, taken in the
/// order it came, with a bounded wait.</summary>
public sealed class SyslogReceiver : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();

    public SyslogReceiver()
    {
        _ = ReceiveAsync();
    }

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    /// <summary>The next line (its final line feed removed), waiting at most 10 s.</summary>
    public async Task<string> NextAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await _lines.Reader.ReadAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no log line on 127.0.0.1:{Port} within 10 s");
        }
    }

    /// <summary>True when a line came and waits to be taken.</summary>
    public bool HasLine => _lines.Reader.TryPeek(out _);

    private async Task ReceiveAsync()
    {
        try
        {
            while (true)
            {
                var datagram = await _socket.ReceiveAsync(_stop.Token);
                _lines.Writer.TryWrite(Encoding.UTF8.GetString(datagram.Buffer).TrimEnd('\n'));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
