using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 4: <c>tcp-request inspect-delay</c> and the content fetches
/// (<c>req.len</c>, <c>req.payload</c>, <c>req.payload_lv</c>, <c>req.ssl_hello_type</c>,
/// <c>req.ssl_sni</c>) alike on HAProxy 2.6 and ActorProxy: the same connections rejected, the
/// same routed by their TLS server name or their bytes, the same waited for until their data is
/// there or the delay is over, and every byte the rules looked at relayed; a connection rule's
/// accept ends only the connection rules.</summary>
public sealed class TcpInspectionParityTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly string[] Backends = ["echo", "sni_a", "lv", "alpn", "modern", "first"];
    private readonly RuntimeCommandPair _pair = new();
    private readonly List<TcpTestServer> _servers = [];

    public async Task InitializeAsync()
    {
        foreach (string name in Backends)
        {
            _servers.Add(new TcpTestServer((stream, cancel) => name == "first" ? FirstReadAsync(stream, name, cancel) : EchoAsync(stream, name, cancel)));
        }
        int Port(string name) => _servers[Array.IndexOf(Backends, name)].Port;
        string[] rules =
        [
            "inspect-delay 1s",
            // An accept ends the connection rules only: the content rules still run.
            "connection accept if { src 127.0.0.1 }",
            "connection reject",
            "content reject if { req.payload(0,4) -m bin 51554954 }",
            "content accept if { req.ssl_hello_type 1 }",
            "content accept if { req.len ge 5 }",
            // Short data that starts with 'z' is taken once the inspection is over.
            "content accept if WAIT_END { req.payload(0,1) -m bin 7a }",
            "content reject",
        ];
        (string Backend, string Condition)[] switches =
            [("sni_a", "{ req.ssl_sni -i a.test }"), ("lv", "{ req.payload_lv(0,1) -m str abc }"), ("alpn", "{ req.ssl_alpn http/1.1 }"),
             ("modern", "{ req.ssl_ver 3.2:3.4 } { req.ssl_st_ext 0 } !{ req.ssl_ec_ext }"),
             ("first", "{ req.payload(0,1) -m bin 7a }")];
        await _pair.StartAsync($"""
            defaults
              mode tcp
              timeout connect 2s
              timeout client 5s
              timeout server 5s
            frontend relay
              bind 127.0.0.1:{_pair.HaproxyPort}
            {string.Concat(rules.Select(r => "  tcp-request " + r + "\n"))}{string.Concat(switches.Select(s => $"  use_backend {s.Backend} if {s.Condition}\n"))}  default_backend echo
            {string.Concat(Backends.Select(b => $"backend {b}\n  server s1 127.0.0.1:{Port(b)}\n"))}
            """, $$"""
              frontends.relay {
                bind = "127.0.0.1:{{_pair.ActorProxyPort}}"
                mode = tcp
                tcp-request = [ {{string.Join(", ", rules.Select(r => $"\"{r}\""))}} ]
                use-backend = [ {{string.Join(", ", switches.Select(s => $"\"{s.Backend} if {s.Condition}\""))}} ]
                default-backend = echo
              }
            {{string.Concat(Backends.Select(b => $"  backends.{b} {{ mode = tcp, servers {{ s1 = \"127.0.0.1:{Port(b)}\" }}, timeout {{ connect = 2s, server = 5s }} }}\n"))}}
            """);
    }

    public static TheoryData<string, byte[][], bool> Cases() => new()
    {
        { "a TLS hello for a.test, whole", [ClientHello("a.test")], true },
        { "a TLS hello for a.test, in two parts", [ClientHello("a.test")[..10], ClientHello("a.test")[10..]], true },
        { "a TLS hello for b.test", [ClientHello("b.test")], true },
        { "a TLS hello offering h2 then http/1.1", [ClientHello("c.test", "h2", "http/1.1")], true },
        { "a TLS hello offering h2 only", [ClientHello("c.test", "h2")], true },
        { "QUIT", ["QUIT now"u8.ToArray()], true },
        { "text long enough", ["hello world"u8.ToArray()], true },
        { "text in parts, long enough at last", ["he"u8.ToArray(), "llo"u8.ToArray()], true },
        { "a length-prefixed block", ["\u0003abcde"u8.ToArray()], true },
        { "too short, then closed", ["xy"u8.ToArray()], true },
        { "too short, until the delay is over", ["xy"u8.ToArray()], false },
        { "too short, taken at the end of the delay", ["z"u8.ToArray()], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Connection_IsRejectedOrRoutedAsByHaproxy(string what, byte[][] parts, bool halfClose)
    {
        string haproxy = await ExchangeAsync(_pair.HaproxyPort, parts, halfClose);
        string actorProxy = await ExchangeAsync(_pair.ActorProxyPort, parts, halfClose);

        Assert.True(haproxy == actorProxy, $"{what}: HAProxy answered '{haproxy}', ActorProxy '{actorProxy}'");
    }

    [Fact]
    public async Task TheCasesReachTheBackendsTheyName()
    {
        Assert.Equal($"sni_a {Convert.ToHexString(ClientHello("a.test"))}", await ExchangeAsync(_pair.ActorProxyPort, [ClientHello("a.test")], halfClose: true));
        Assert.Equal($"lv {Convert.ToHexString("\u0003abcde"u8)}", await ExchangeAsync(_pair.ActorProxyPort, ["\u0003abcde"u8.ToArray()], halfClose: true));
        Assert.Equal("closed", await ExchangeAsync(_pair.ActorProxyPort, ["QUIT"u8.ToArray()], halfClose: true));
        Assert.StartsWith("alpn ", await ExchangeAsync(_pair.ActorProxyPort, [ClientHello("c.test", "h2", "http/1.1")], halfClose: true));
        Assert.StartsWith("modern ", await ExchangeAsync(_pair.ActorProxyPort, [ClientHello("b.test")], halfClose: true));
        Assert.Equal("closed", await ExchangeAsync(_pair.ActorProxyPort, ["xy"u8.ToArray()], halfClose: false));
        Assert.Equal("first 7A", await ExchangeAsync(_pair.ActorProxyPort, ["z"u8.ToArray()], halfClose: false));
    }

    // Sends the parts one by one, half-closes (or not), and reads what comes back until the end:
    // the backend's name and the bytes it got, or "closed" for a connection ended with nothing.
    private static async Task<string> ExchangeAsync(int port, byte[][] parts, bool halfClose)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(Wait);
        try
        {
            foreach (byte[] part in parts)
            {
                await stream.WriteAsync(part, timeout.Token);
                await stream.FlushAsync(timeout.Token);
            }
            if (halfClose)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }
            using var reader = new StreamReader(stream, Encoding.Latin1);
            string answer = await reader.ReadToEndAsync(timeout.Token);
            return answer.Length == 0 ? "closed" : answer;
        }
        catch (IOException)
        {
            return "closed";
        }
    }

    // A backend that answers what its first read got, and closes: for a client that keeps its side open.
    private static async Task FirstReadAsync(NetworkStream stream, string name, CancellationToken cancel)
    {
        var buffer = new byte[4096];
        int read = await stream.ReadAsync(buffer, cancel);
        await stream.WriteAsync(Encoding.Latin1.GetBytes($"{name} {Convert.ToHexString(buffer, 0, read)}"), cancel);
    }

    // A backend: its name and, in hex, every byte the client sent, once the client has sent all.
    private static async Task EchoAsync(NetworkStream stream, string name, CancellationToken cancel)
    {
        var received = new MemoryStream();
        await stream.CopyToAsync(received, cancel);
        await stream.WriteAsync(Encoding.Latin1.GetBytes($"{name} {Convert.ToHexString(received.ToArray())}"), cancel);
    }

    // A minimal TLS 1.2 ClientHello with one cipher suite, a server_name extension and, given
    // protocols, an ALPN extension.
    private static byte[] ClientHello(string host, params string[] protocols)
    {
        byte[] name = Encoding.ASCII.GetBytes(host);
        var sni = new List<byte> { 0x00, 0x00 };
        sni.AddRange(Big(name.Length + 5, 2));
        sni.AddRange(Big(name.Length + 3, 2));
        sni.Add(0x00);
        sni.AddRange(Big(name.Length, 2));
        sni.AddRange(name);
        if (protocols.Length > 0)
        {
            var list = protocols.SelectMany(p => new[] { (byte)p.Length }.Concat(Encoding.ASCII.GetBytes(p))).ToArray();
            sni.AddRange([0x00, 0x10]);
            sni.AddRange(Big(list.Length + 2, 2));
            sni.AddRange(Big(list.Length, 2));
            sni.AddRange(list);
        }
        var hello = new List<byte> { 0x03, 0x03 };
        hello.AddRange(Enumerable.Range(0, 32).Select(i => (byte)i));
        hello.Add(0x00);
        hello.AddRange([0x00, 0x02, 0x13, 0x01, 0x01, 0x00]);
        hello.AddRange(Big(sni.Count, 2));
        hello.AddRange(sni);
        var handshake = new List<byte> { 0x01 };
        handshake.AddRange(Big(hello.Count, 3));
        handshake.AddRange(hello);
        var record = new List<byte> { 0x16, 0x03, 0x01 };
        record.AddRange(Big(handshake.Count, 2));
        record.AddRange(handshake);
        return [.. record];
    }

    private static IEnumerable<byte> Big(int value, int bytes) => Enumerable.Range(0, bytes).Select(i => (byte)(value >> (8 * (bytes - 1 - i))));

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }
        await _pair.DisposeAsync();
    }
}
