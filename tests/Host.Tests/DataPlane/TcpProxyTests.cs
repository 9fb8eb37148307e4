using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests.DataPlane;

public sealed class TcpProxyTests(ProxyFixture proxy) : IClassFixture<ProxyFixture>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TcpService_EchoesLineByLine_EvenWhenALineArrivesInPieces()
    {
        using var client = await ConnectAsync(proxy.TcpPorts.Echo);
        var stream = client.GetStream();

        await Send(stream, "hello\n");
        string first = await ReadLineAsync(stream);
        await Send(stream, "wor");
        await Task.Delay(100);
        await Send(stream, "ld\n");
        string second = await ReadLineAsync(stream);
        client.Client.Shutdown(SocketShutdown.Send);

        Assert.Matches("^[12]:hello$", first);
        Assert.Matches("^[12]:world$", second);
        Assert.Equal("", await ReadToEndAsync(stream));
    }

    [Fact]
    public async Task TcpService_AnswersAClientThatHalfClosesAfterItsRequest()
    {
        using var client = await ConnectAsync(proxy.TcpPorts.Echo);
        var stream = client.GetStream();

        await Send(stream, "ping\n");
        client.Client.Shutdown(SocketShutdown.Send);

        Assert.Matches("^[12]:ping$", await ReadToEndAsync(stream));
    }

    [Fact]
    public async Task BareLineFeedRequest_ReachesTheLuaService()
    {
        using var client = await ConnectAsync(proxy.Client.BaseAddress!.Port);
        var stream = client.GetStream();

        await Send(stream, "POST /service HTTP/1.1\nHost: x\nContent-Length: 2\nConnection: close\n\nhi");

        string answer = await ReadToEndAsync(stream);
        Assert.StartsWith("HTTP/1.1 200 OK", answer);
        // The service set no content-length: chunked, as HAProxy's applets answer HTTP/1.1.
        Assert.Contains("Transfer-Encoding: chunked\r\n", answer);
        Assert.EndsWith("\r\n\r\n8\r\necho: hi\r\n0\r\n\r\n", answer);
    }

    [Fact]
    public async Task TcpRelay_CarriesBytesBothWays_PastARefusingServer()
    {
        // Twice, so that round robin lands once on the refusing server and fails over.
        for (int i = 0; i < 2; i++)
        {
            using var client = await ConnectAsync(proxy.TcpPorts.Relay);
            var stream = client.GetStream();
            await Send(stream, "GET /relayed HTTP/1.1\r\nHost: backend\r\nConnection: close\r\n\r\n");

            string answer = await ReadToEndAsync(stream);

            Assert.StartsWith("HTTP/1.1 200 OK", answer);
            Assert.Contains("GET /relayed", answer);
        }
    }

    [Fact]
    public async Task FailingTcpService_ClosesTheStream_AfterWhatItSent()
    {
        using var client = await ConnectAsync(proxy.TcpPorts.Broken);

        string answer = await ReadToEndAsync(client.GetStream());

        Assert.Equal("about to fail\n", answer);
        Assert.Contains("tcp service broke", await proxy.LogOnceItHoldsAsync("tcp service broke"));
    }

    [Fact]
    public async Task TcpLuaAction_SetsAVariableTheServiceReads_WhichHasFetchesAndConverters()
    {
        using var client = await ConnectAsync(proxy.TcpPorts.Greet);

        Assert.Equal("hello 127.0.0.1 to 127.0.0.1!X\n", await ReadToEndAsync(client.GetStream()));
    }

    [Fact]
    public async Task ConnectionReject_ClosesAtOnce()
    {
        using var client = await ConnectAsync(proxy.TcpPorts.Reject);

        Assert.Equal("", await ReadToEndAsync(client.GetStream()));
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        using var timeout = new CancellationTokenSource(Limit);
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        return client;
    }

    private static async Task Send(NetworkStream stream, string text) => await stream.WriteAsync(Encoding.ASCII.GetBytes(text));

    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(Limit);
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one, timeout.Token) == 1 && one[0] != '\n')
        {
            line.Append((char)one[0]);
        }
        return line.ToString();
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(Limit);
        using var all = new MemoryStream();
        await stream.CopyToAsync(all, timeout.Token);
        return Encoding.ASCII.GetString(all.ToArray());
    }
}
