using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>Issue #12, point 2: a Lua HTTP service streams, a worker's and the shared state's
/// alike. Its request body reaches it as it arrives, its response leaves as it sends (through
/// the http-response rules), it goes at its client's pace, and once its client is gone it is
/// stopped and that is logged once.</summary>
public sealed class LuaServiceStreamTests : IAsyncLifetime
{
    private const long UploadSize = 200L << 20;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-service");
    private readonly int _port = DataPlane.TestBackend.FreePort();
    private ActorProxyProcess _node = null!;

    [Theory]
    [InlineData("events", "state 1")]
    [InlineData("shared_events", "state 0")]
    public async Task NeverEndingEventStream_SendsItsFirstEventAtOnce_AndStopsOnceItsClientLeaves(string service, string state)
    {
        using (var client = await ConnectAsync())
        {
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /{service} HTTP/1.1\r\nHost: x\r\n\r\n"));
            string received = await SocketReads.ReadUntilAsync(stream, "data: tick 1\n\n");

            Assert.StartsWith("HTTP/1.1 200 OK\r\n", received, StringComparison.Ordinal);
            Assert.Contains("content-type: text/event-stream\r\n", received, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("transfer-encoding: chunked\r\n", received, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("x-rule: yes\r\n", received, StringComparison.OrdinalIgnoreCase);
        }

        string stopped = $"Lua service 'lua.{service}' ({state}) stopped";
        string log = await _node.OutputOnceItHoldsAsync(stopped);
        Assert.Equal(1, Count(log, stopped));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        Assert.Equal("got 3", await (await http.PostAsync($"http://127.0.0.1:{_port}/count", new StringContent("abc"))).Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("echo_first_line")]
    [InlineData("shared_echo_first_line")]
    public async Task RequestBody_ReachesTheServiceAsItArrives(string service)
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /{service} HTTP/1.1\r\nHost: x\r\nContent-Length: 1006\r\n\r\nhello\n"));

        // The service answered its first line while the rest of the body has not been sent.
        string head = await SocketReads.ReadUntilAsync(stream, "first hello\n");
        await stream.WriteAsync(new byte[1000]);
        string rest = await SocketReads.ReadUntilAsync(stream, "rest 1000\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head, StringComparison.Ordinal);
        Assert.Contains("rest 1000\n", rest, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count", UploadSize)]
    [InlineData("shared_count", UploadSize / 10)]
    public async Task LargeUpload_IsReadByTheServiceWithFlatMemory(string service, long size)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        await http.PostAsync($"http://127.0.0.1:{_port}/{service}", new ByteArrayContent(new byte[1024]));
        long before = NodeMemory.PeakResidentKb(_node.Id);

        using var response = await http.PostAsync($"http://127.0.0.1:{_port}/{service}", new ZeroContent(size));

        Assert.Equal($"got {size}", await response.Content.ReadAsStringAsync());
        long grown = NodeMemory.PeakResidentKb(_node.Id) - before;
        Assert.True(grown < 64 * 1024, $"peak resident memory grew by {grown} kB for a {size >> 20} MB body");
    }

    [Fact]
    public async Task ServiceThatOutrunsItsClient_WaitsForIt()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        long sent = 0;
        using (var client = await ConnectAsync())
        {
            var stream = client.GetStream();
            await stream.WriteAsync("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            await SocketReads.ReadUntilAsync(stream, "\r\n\r\n");

            // The client reads nothing more. However many turns the worker gets meanwhile (each
            // of these requests is one), the service can be ahead of its client by no more than
            // what the connection buffers: Kestrel's output buffer and the socket's.
            for (int i = 0; i < 50; i++)
            {
                sent = long.Parse(await http.GetStringAsync($"http://127.0.0.1:{_port}/progress"), CultureInfo.InvariantCulture);
            }
        }

        Assert.True(sent > 0, "the flood service sent nothing");
        Assert.True(sent < 32L << 20, $"the service sent {sent >> 20} MB to a client that read none of it");
        await _node.OutputOnceItHoldsAsync("Lua service 'lua.flood' (state 1) stopped");
    }

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, _port);
        return client;
    }


    private static int Count(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    public async Task InitializeAsync()
    {
        // Loaded in the shared state too, where each name gets the prefix shared_.
        File.WriteAllText(Path.Combine(_directory.FullName, "services.lua"), """
            local prefix = core.thread == 0 and "shared_" or ""
            local function register(name, fn) core.register_service(prefix .. name, "http", fn) end
            local flooded = 0
            register("events", function(applet)
              applet:add_header("content-type", "text/event-stream")
              applet:start_response()
              local n = 0
              while true do
                n = n + 1
                applet:send("data: tick " .. n .. "\n\n")
                core.msleep(20)
              end
            end)
            register("count", function(applet)
              local total = 0
              while true do
                local chunk = applet:receive(65536)
                if chunk == "" then break end
                total = total + #chunk
              end
              local body = "got " .. total
              applet:add_header("content-length", tostring(#body))
              applet:start_response()
              applet:send(body)
            end)
            register("echo_first_line", function(applet)
              local line = applet:getline()
              applet:start_response()
              applet:send("first " .. line)
              applet:send("rest " .. #applet:receive() .. "\n")
            end)
            local chunk = string.rep("x", 1048576)
            register("flood", function(applet)
              applet:start_response()
              for _ = 1, 1000 do
                applet:send(chunk)
                flooded = flooded + #chunk
              end
            end)
            register("progress", function(applet)
              local body = tostring(flooded)
              applet:add_header("content-length", tostring(#body))
              applet:start_response()
              applet:send(body)
            end)
            """);
        string config = Path.Combine(_directory.FullName, "services.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp.port = {{DataPlane.TestBackend.FreePort()}}
            actorproxy {
              global { threads = 1, lua-load = [ "services.lua" ], lua-load-per-thread = [ "services.lua" ], tune.lua.service-timeout = 60s }
              frontends.web {
                bind = "127.0.0.1:{{_port}}"
                http-request = [
                  "use-service lua.events if { path /events }",
                  "use-service lua.count if { path /count }",
                  "use-service lua.echo_first_line if { path /echo_first_line }",
                  "use-service lua.flood if { path /flood }",
                  "use-service lua.progress if { path /progress }",
                  "use-service lua.shared_events if { path /shared_events }",
                  "use-service lua.shared_count if { path /shared_count }",
                  "use-service lua.shared_echo_first_line if { path /shared_echo_first_line }",
                ]
                http-response = [ "set-header x-rule yes" ]
              }
            }
            """);
        _node = ActorProxyProcess.Start("run", "-f", config);
        await _node.WaitForOutputAsync("ActorProxy running");
    }

    public async Task DisposeAsync()
    {
        await _node.StopAsync();
        _directory.Delete(recursive: true);
    }
}
