using System.Net;
using System.Net.Sockets;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>Issue #12, point 4: a configuration is whole or refused, with one line naming the
/// file and the place; a port in use is one line too; check binds no port.</summary>
public sealed class WholeConfigurationTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-whole");

    [Theory]
    [InlineData("check", "    http-request = [\n      \"return status 200 if { path /ok }\",\n      \"deny if { path_beg /admin }\"\n", 3, 42, "this '[' is never closed: the file ends first (is it cut short?)")]
    [InlineData("run", "    http-request = [ \"deny if { path_beg /admin }\" ]\n", 2, 17, "this '{' is never closed: the file ends first (is it cut short?)")]
    [InlineData("check", "    http-request = [ \"deny if { path_beg /admin }\n", 3, 44, "this string is not closed on its line (is the file cut short?)")]
    [InlineData("run", "    http-request = [ \"\"\"deny if { path_beg /admin }\n", 3, 44, "this \"\"\" string is never closed: the file ends first (is it cut short?)")]
    public async Task TruncatedFile_IsRefused_NamingTheFileLineAndColumnOfWhatIsLeftOpen(string command, string rest, int line, int column, string reason)
    {
        string config = Write("cut.conf", "actorproxy {\n  frontends.web {\n" + rest.Replace("    http-request", "    bind = \"127.0.0.1:1\", http-request", StringComparison.Ordinal));

        var (code, stdout, stderr) = await ActorProxyProcess.RunAsync(command, "-f", config);

        Assert.Equal(1, code);
        Assert.DoesNotContain("ActorProxy running", stdout);
        Assert.Equal($"[ALERT] {config}:{line}:{column}: {reason}", stderr.Trim());
    }

    [Fact]
    public async Task BracketsInCommentsAndStrings_AreNotStructure()
    {
        string config = Write("fine.conf", $$""""
            # a comment with { and [
            actorproxy {
              // and ] here
              frontends.web {
                bind = "127.0.0.1:{{FreePort()}}"
                http-request = [ "return status 200 content-type text/plain string \"}{ ]\"", """return status 201 content-type text/plain string "]" """ ]
              }
            }
            """");

        var (code, _, stderr) = await ActorProxyProcess.RunAsync("check", "-f", config);

        Assert.True(code == 0, stderr);
    }

    [Fact]
    public async Task CommaAfterAnObject_SeparatesFields_AsHoconAllows()
    {
        string config = Write("commas.conf", $$"""
            actorproxy.frontends.web { timeout { client = 1s }, bind = "127.0.0.1:{{FreePort()}}", default-backend = b }
            actorproxy.backends.b { servers { s = "127.0.0.1:1" }, timeout { connect = 1s } }
            """);

        var (code, _, stderr) = await ActorProxyProcess.RunAsync("check", "-f", config);

        Assert.True(code == 0, stderr);
    }

    [Fact]
    public async Task ClosingWhatWasNotOpened_IsRefusedAtItsPlace()
    {
        string config = Write("extra.conf", "actorproxy {\n  frontends.web { bind = \"127.0.0.1:1\" ]\n}\n");

        var (code, _, stderr) = await ActorProxyProcess.RunAsync("check", "-f", config);

        Assert.Equal(1, code);
        Assert.Equal($"[ALERT] {config}:2:40: this ']' closes the '{{' opened at line 2, column 17", stderr.Trim());
    }

    [Fact]
    public async Task MissingInclude_IsOneLineNamingTheFileAndTheInclude()
    {
        string config = Write("main.conf", "include \"missing.conf\"\nactorproxy.frontends.web { bind = \"127.0.0.1:1\" }\n");

        var (code, _, stderr) = await ActorProxyProcess.RunAsync("check", "-f", config);

        Assert.Equal(1, code);
        string missing = Path.Combine(_directory.FullName, "missing.conf");
        Assert.StartsWith($"[ALERT] {config}: include \"missing.conf\": cannot read {missing}: ", stderr.Trim());
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Include_IsReadRelativeToTheFile_AndCheckedWhole()
    {
        Write("sub/rules.conf", "actorproxy.frontends.web { http-request = [ \"return status 200\" ] }\n");
        Write("sub/cut.conf", "actorproxy.frontends.web { http-request = [ \"return status 200\"\n");
        string good = Write("good.conf", $"include \"sub/rules.conf\"\nactorproxy.frontends.web {{ bind = \"127.0.0.1:{FreePort()}\" }}\n");
        string cut = Write("bad.conf", "include \"sub/cut.conf\"\nactorproxy.frontends.web { bind = \"127.0.0.1:1\" }\n");

        var (goodCode, _, goodErrors) = await ActorProxyProcess.RunAsync("check", "-f", good);
        var (cutCode, _, cutErrors) = await ActorProxyProcess.RunAsync("check", "-f", cut);

        Assert.True(goodCode == 0, goodErrors);
        Assert.Equal(1, cutCode);
        Assert.Equal($"[ALERT] {Path.Combine(_directory.FullName, "sub/cut.conf")}:1:43: this '[' is never closed: the file ends first (is it cut short?)", cutErrors.Trim());
    }

    [Fact]
    public async Task ListenerPortInUse_IsOneLineNamingTheFrontend()
    {
        using var taken = Listen(out int port);
        string config = Write("busy.conf", $"actorproxy.frontends.web {{ bind = \"127.0.0.1:{port}\", http-request = [ \"return status 200\" ] }}\n");

        var (code, stdout, stderr) = await ActorProxyProcess.RunAsync("run", "-f", config);

        Assert.Equal(1, code);
        Assert.DoesNotContain("ActorProxy running", stdout);
        Assert.Equal($"[ALERT] {config}: actorproxy.frontends.web.bind: 127.0.0.1:{port} is in use by another process", stderr.Trim());
        Assert.DoesNotContain("   at ", stdout + stderr);
    }

    [Fact]
    public async Task RemotingPortInUse_IsOneLineNamingTheKey()
    {
        using var taken = Listen(out int port);
        string config = Write("busy-akka.conf", $$"""
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{port}} }
            actorproxy.frontends.web { bind = "127.0.0.1:{{FreePort()}}", http-request = [ "return status 200" ] }
            """);

        var (code, stdout, stderr) = await ActorProxyProcess.RunAsync("run", "-f", config);

        Assert.Equal(1, code);
        Assert.Equal($"[ALERT] {config}: akka.remote.dot-netty.tcp.port: 127.0.0.1:{port} is in use by another process (another node on this machine?): the node's cluster address must be free",
            stderr.Trim());
        Assert.DoesNotContain("   at ", stdout + stderr);
    }

    [Fact]
    public async Task Check_BindsNoPort_SoItPassesWhileTheNodeItChecksHoldsItsPorts()
    {
        using var akka = Listen(out int akkaPort);
        using var web = Listen(out int webPort);
        string config = Write("running.conf", $$"""
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{akkaPort}} }
            actorproxy.frontends.web { bind = "127.0.0.1:{{webPort}}", http-request = [ "return status 200" ] }
            """);

        var (code, stdout, stderr) = await ActorProxyProcess.RunAsync("check", "-f", config);

        Assert.True(code == 0, stderr);
        Assert.Contains("Configuration file is valid", stdout);
    }

    private static Socket Listen(out int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return socket;
    }

    private static int FreePort() => DataPlane.TestBackend.FreePort();

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
