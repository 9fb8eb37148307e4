using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.StatsSocket;

/// <summary>Issue #13, point 6: HAProxy's stats socket, driven as operators drive HAProxy's — with
/// socat on a Unix socket of mode 600, or on a TCP address — with its framing (an empty line after
/// each answer, <c>;</c> between commands, <c>prompt</c> mode, <c>quit</c>) and its levels.</summary>
public sealed class StatsSocketTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-stats");
    private readonly int _userPort = TestBackend.FreePort();
    private ActorProxyProcess _node = null!;

    private string UnixPath => Path.Combine(_directory.FullName, "actorproxy.sock");

    public async Task InitializeAsync()
    {
        string config = Path.Combine(_directory.FullName, "stats.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp.port = {{TestBackend.FreePort()}}
            actorproxy {
              global.stats-socket = "actorproxy.sock"
              frontends.web { bind = "127.0.0.1:{{TestBackend.FreePort()}}", http-request = [ "return status 200" ] }
              backends.app.servers { s1 = "127.0.0.1:{{TestBackend.FreePort()}}" }
            }
            """);
        _node = ActorProxyProcess.Start("run", "-f", config);
        await _node.WaitForOutputAsync("ActorProxy running");
    }

    [Fact]
    public async Task Socat_OnTheUnixSocket_GetsShowInfo_ThenAnEmptyLine()
    {
        string answer = await Socat.RunAsync("show info\n", $"UNIX-CONNECT:{UnixPath}");

        Assert.StartsWith("Name: ActorProxy\n", answer);
        Assert.EndsWith("\n\n", answer);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(UnixPath));
    }

    [Fact]
    public async Task SeveralCommandsOnALine_AreEachAnswered()
    {
        string answer = await TalkAsync("show info;show pools\n");

        Assert.StartsWith("Name: ActorProxy\n", answer);
        Assert.Contains("\n\nDumping pools usage.", answer);
        Assert.EndsWith("\n\n", answer);
    }

    [Fact]
    public async Task PromptMode_AnswersEachLine_UntilQuit()
    {
        string answer = await TalkAsync("prompt\nshow pools\nshow servers state\nquit\n");

        Assert.StartsWith("\n> Dumping pools usage.", answer);
        Assert.Contains("\n\n> ", answer);
        Assert.Contains("app s1", answer);
        Assert.EndsWith("\n\n> ", answer);
    }

    [Theory]
    [InlineData("show fd", true)]
    [InlineData("flush pools", false)]
    [InlineData("set server app/s1 state maint", false)]
    [InlineData("reload", false)]
    public async Task DefaultLevel_IsOperator(string command, bool allowed)
    {
        string answer = await TalkAsync(command + "\n");

        Assert.Equal(!allowed, answer.StartsWith("Permission denied", StringComparison.Ordinal));
        if (!allowed)
        {
            Assert.Contains($"'{command}' needs level admin, the stats socket has level operator", answer);
            await _node.OutputOnceItHoldsAsync($"admin: refused '{command}'");
        }
    }

    [Fact]
    public async Task LevelUser_OnATcpSocket_RefusesShowFd_AndServesShowInfo()
    {
        string config = Path.Combine(_directory.FullName, "user.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp.port = {{TestBackend.FreePort()}}
            actorproxy.global.stats-socket = "127.0.0.1:{{_userPort}} level user"
            actorproxy.frontends.web { bind = "127.0.0.1:{{TestBackend.FreePort()}}", http-request = [ "return status 200" ] }
            """);
        using var node = ActorProxyProcess.Start("run", "-f", config);
        await node.WaitForOutputAsync("ActorProxy running");

        string info = await Socat.RunAsync("show info\n", $"TCP:127.0.0.1:{_userPort}");
        string fd = await Socat.RunAsync("show fd\n", $"TCP:127.0.0.1:{_userPort}");

        Assert.StartsWith("Name: ActorProxy\n", info);
        Assert.StartsWith("Permission denied: 'show fd' needs level operator, the stats socket has level user", fd);
        await node.StopAsync();
    }

    [Fact]
    public async Task ABusyStatsSocket_FailsTheStart_NamingIt()
    {
        string config = Path.Combine(_directory.FullName, "second.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp.port = {{TestBackend.FreePort()}}
            actorproxy.global.stats-socket = "actorproxy.sock"
            actorproxy.frontends.web { bind = "127.0.0.1:{{TestBackend.FreePort()}}", http-request = [ "return status 200" ] }
            """);

        var (exit, stdout, stderr) = await ActorProxyProcess.RunAsync("run", "-f", config);

        Assert.Equal(1, exit);
        Assert.Contains($"actorproxy.global.stats-socket: cannot listen on {UnixPath}: another process serves it.", stdout + stderr);
        // The running node still answers on it.
        Assert.StartsWith("Name: ActorProxy\n", await TalkAsync("show info\n"));
    }

    // What the Unix socket answers to the bytes sent, read to its end (bounded).
    private async Task<string> TalkAsync(string input)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(UnixPath));
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(input));
        using var received = new MemoryStream();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.CopyToAsync(received, limit.Token);
        return Encoding.UTF8.GetString(received.ToArray());
    }

    public async Task DisposeAsync()
    {
        await _node.StopAsync();
        _directory.Delete(recursive: true);
    }
}
