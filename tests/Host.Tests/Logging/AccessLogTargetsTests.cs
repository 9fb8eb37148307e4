using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.Logging;

/// <summary>
/// The access log's targets beside UDP syslog (AccessLogParityTests): a file (file@, ActorProxy's
/// own), stdout, a Unix datagram socket; a target that cannot be reached is reported once and the
/// proxy goes on serving and logging to the others. The lines of a stopping node are all written.
/// </summary>
public sealed class AccessLogTargetsTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-log-targets");
    private readonly int _port = TestBackend.FreePort();
    private Socket _unixLog = null!;
    private ActorProxyProcess _proxy = null!;
    private bool _stopped;

    private string File(string name) => Path.Combine(_directory.FullName, name);

    public async Task InitializeAsync()
    {
        _unixLog = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _unixLog.Bind(new UnixDomainSocketEndPoint(File("log.sock")));
        await System.IO.File.WriteAllTextAsync(File("actorproxy.conf"), $$"""
            actorproxy {
              global { threads = 1, log-tag = edge }
              frontends.web {
                bind = "127.0.0.1:{{_port}}"
                log = [ "file@access.log local0", "stdout format raw local0", "unix@log.sock local1", "unix@nobody-listens.sock local0" ]
                log-format = "%f %HM %HU %ST"
                http-request = [ "return status 200 content-type text/plain string ok" ]
              }
            }
            """);
        _proxy = ActorProxyProcess.Start("run", "-f", File("actorproxy.conf"));
        await _proxy.WaitForOutputAsync("ActorProxy running");
    }

    public async Task DisposeAsync()
    {
        if (!_stopped)
        {
            await _proxy.StopAsync();
        }
        _unixLog.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task EachTarget_GetsTheLine_AndOneThatCannotBeReached_StopsNothing()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal("ok", await client.GetStringAsync($"http://127.0.0.1:{_port}/first"));
        Assert.Equal("ok", await client.GetStringAsync($"http://127.0.0.1:{_port}/second"));

        string output = await _proxy.OutputOnceItHoldsAsync("web GET /first 200\n", "web GET /second 200\n", "nobody-listens.sock");
        Assert.Contains("access log target " + File("nobody-listens.sock"), output);
        Assert.Single(output.Split('\n'), line => line.Contains("nobody-listens.sock", StringComparison.Ordinal));

        var buffer = new byte[1024];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read = await _unixLog.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
        Assert.Matches(@"^<142>\w{3} [ \d]\d \d\d:\d\d:\d\d edge\[\d+\]: web GET /first 200\n$", Encoding.UTF8.GetString(buffer, 0, read));

        await _proxy.StopAsync();
        _stopped = true;
        Assert.Equal(["web GET /first 200", "web GET /second 200"],
            (await System.IO.File.ReadAllLinesAsync(File("access.log"))).Select(line => line[(line.IndexOf("]: ", StringComparison.Ordinal) + 3)..]));
    }
}
