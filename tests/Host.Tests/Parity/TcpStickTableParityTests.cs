using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 7, in TCP: <c>tcp-request connection track-sc0 src</c> and the
/// classic concurrent connection limit (<c>reject if { sc_conn_cur(0) gt 2 }</c>) alike on
/// HAProxy 2.6 and ActorProxy: the same connections refused, the same <c>show table</c> while
/// they are open and once they are closed.</summary>
public sealed class TcpStickTableParityTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly RuntimeCommandPair _pair = new();
    private readonly TcpListener _server = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _accepted = [];

    public async Task InitializeAsync()
    {
        _server.Start();
        _ = AcceptAsync();
        int port = ((IPEndPoint)_server.LocalEndpoint).Port;
        string table = "type ip size 10 expire 60s store conn_cur,conn_cnt,conn_rate(60s),bytes_in_cnt,bytes_out_cnt";
        string[] rules = ["connection track-sc0 src", "connection reject if { sc_conn_cur(0) gt 2 }"];
        await _pair.StartAsync($"""
            global
              {_pair.HaproxyStatsSocket}
            defaults
              mode tcp
              timeout connect 2s
              timeout client 5s
              timeout server 5s
            frontend relay
              bind 127.0.0.1:{_pair.HaproxyPort}
              stick-table {table}
            {string.Concat(rules.Select(r => "  tcp-request " + r + "\n"))}  default_backend server
            backend server
              server s1 127.0.0.1:{port}

            """, $$"""
              frontends.relay {
                bind = "127.0.0.1:{{_pair.ActorProxyPort}}"
                mode = tcp
                stick-table = "{{table}}"
                tcp-request = [ {{string.Join(", ", rules.Select(r => $"\"{r}\""))}} ]
                default-backend = server
              }
              backends.server { mode = tcp, servers { s1 = "127.0.0.1:{{port}}" }, timeout { connect = 2s, server = 5s } }
            """);
    }

    [Fact]
    public async Task ConcurrentConnections_AreCountedAndLimitedAsHaproxy()
    {
        foreach (bool haproxy in new[] { true, false })
        {
            int port = haproxy ? _pair.HaproxyPort : _pair.ActorProxyPort;
            var open = new List<TcpClient>();
            for (int i = 0; i < 2; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                await client.GetStream().WriteAsync("hello\n"u8.ToArray());
                open.Add(client);
            }
            await Eventually.HoldsAsync(async () => (await AskAsync("show table relay", haproxy)).Contains("conn_cur=2", StringComparison.Ordinal),
                $"{(haproxy ? "HAProxy" : "ActorProxy")} counts two connections", Wait);
            // Refused: the proxy closes it without a byte (HAProxy with a reset, which may come before the connect returns).
            Assert.Equal(0, await ConnectAndReadAsync(port));
            foreach (var client in open)
            {
                client.Dispose();
            }
            await Eventually.HoldsAsync(async () => (await AskAsync("show table relay", haproxy)).Contains("conn_cur=0", StringComparison.Ordinal),
                $"{(haproxy ? "HAProxy" : "ActorProxy")} lets the connections go", Wait);
        }
        Assert.Equal(await AskAsync("show table relay", haproxy: true), await AskAsync("show table relay", haproxy: false));
    }

    private static async Task<int> ConnectAndReadAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return await client.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(Wait);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return 0;
        }
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _server.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_accepted)
            {
                _accepted.Add(client);
            }
        }
    }

    private async Task<string> AskAsync(string command, bool haproxy) =>
        Regex.Replace(Regex.Replace(await _pair.AskAsync(command, haproxy), "^0x[0-9a-f]+:", "0x…:", RegexOptions.Multiline), @"exp=\d+", "exp=…");

    public async Task DisposeAsync()
    {
        await _pair.DisposeAsync();
        _server.Stop();
        lock (_accepted)
        {
            _accepted.ForEach(c => c.Dispose());
        }
    }
}
