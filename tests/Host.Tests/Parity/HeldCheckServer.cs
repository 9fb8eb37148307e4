using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>A server on 127.0.0.1 (a <see cref="TcpTestServer"/>) whose health checks
/// (<c>GET /health</c>) wait for the test to answer them one by one, so that a proxy's state can
/// be read between two checks; any other request is answered at once with an x-backend line
/// naming it.</summary>
internal sealed class HeldCheckServer : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly Channel<Check> _checks = Channel.CreateUnbounded<Check>();
    private readonly string _name;
    private readonly TcpTestServer _server;

    public HeldCheckServer(string name)
    {
        _name = name;
        _server = new TcpTestServer(ServeAsync);
    }

    public int Port => _server.Port;

    /// <summary>The check the proxy sends next, held until <see cref="Check.AnswerAsync"/>;
    /// throws when none comes within 15 s.</summary>
    public async Task<Check> NextCheckAsync()
    {
        using var limit = new CancellationTokenSource(Wait);
        try
        {
            return await _checks.Reader.ReadAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no health check reached {_name} within {Wait.TotalSeconds:0} s");
        }
    }

    /// <summary>A health check the server holds; its connection closes once it is answered.</summary>
    public sealed class Check(NetworkStream stream)
    {
        private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Task Answered => _answered.Task;

        /// <summary>Answers with <paramref name="status"/>.</summary>
        public async Task AnswerAsync(int status)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Checked\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            _answered.SetResult();
        }
    }

    private async Task ServeAsync(NetworkStream stream, CancellationToken cancel)
    {
        while (true)
        {
            string head = await TcpTestServer.ReadHeadAsync(stream, cancel);
            if (head.StartsWith("GET /health ", StringComparison.Ordinal))
            {
                var check = new Check(stream);
                await _checks.Writer.WriteAsync(check, cancel);
                await check.Answered.WaitAsync(cancel);
                return;
            }
            string body = $"{head[..head.IndexOf('\r')]}\nx-backend: {_name}\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}"), cancel);
        }
    }

    public void Dispose() => _server.Dispose();
}
