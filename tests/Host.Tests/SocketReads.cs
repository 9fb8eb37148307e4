using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests;

/// <summary>Reads of raw connections, bounded in time.</summary>
internal static class SocketReads
{
    /// <summary>Reads until what came holds <paramref name="text"/> (at most 20 s); returns all that came.</summary>
    public static async Task<string> ReadUntilAsync(NetworkStream stream, string text)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = new StringBuilder();
        byte[] buffer = new byte[8192];
        while (!received.ToString().Contains(text, StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer, limit.Token);
            Assert.True(read > 0, $"the connection closed before '{text}' came; it sent: {received}");
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return received.ToString();
    }
}
