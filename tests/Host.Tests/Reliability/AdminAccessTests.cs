using System.Diagnostics;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>Issue #12, point 3: the admin channel and the cluster let no stranger in. One node on
/// its user's own credentials (made at its first start); tools of another user, of another
/// authority, with a wrong key or a key of too low a level are refused, and each refusal is in
/// the node's log.</summary>
public sealed class AdminAccessTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-access");
    private readonly int _remotePort = DataPlane.TestBackend.FreePort();
    private readonly int _httpPort = DataPlane.TestBackend.FreePort();
    private ActorProxyProcess _node = null!;

    private string Node => $"127.0.0.1:{_remotePort}";

    [Fact]
    public async Task AnotherUser_CannotReadTheCredentials_AndWithItsOwnIsRefusedByTheNode()
    {
        var (ownCode, _, own) = await ActorProxyProcess.RunAsUserAsync("nobody", "admin", "--node", Node, "set", "server", "pool/a", "state", "maint");

        // The stranger's own credentials, made as the script makes them, in a folder of theirs.
        var home = Directory.CreateTempSubdirectory("actorproxy-stranger");
        (int, string, string) strangerRun;
        try
        {
            await RunAsync("bash", Script, Path.Combine(home.FullName, "certs"), "stranger:admin");
            await RunAsync("chown", "-R", "nobody", home.FullName);
            strangerRun = await ActorProxyProcess.RunAsUserAsync("nobody",
                "admin", "--node", Node, "--credentials", Path.Combine(home.FullName, "certs", "stranger"), "set", "server", "pool/a", "state", "maint");
        }
        finally
        {
            home.Delete(recursive: true);
        }
        var (strangerCode, _, refused) = strangerRun;

        Assert.Equal(1, ownCode);
        Assert.Contains($"no remoting credentials in {ActorProxyProcess.DefaultCredentials}", own);
        Assert.Equal(1, strangerCode);
        Assert.Contains($"the TLS handshake with node {Node} failed", refused);
        string log = await _node.OutputOnceItHoldsAsync("remoting: refused", "Rejected incoming connection");
        Assert.Contains("its certificate 'CN=stranger' is not signed by the authority 'CN=ActorProxy local authority", log);
        // Each of Akka's log events is one line: no troubleshooting text, no stack trace.
        Assert.DoesNotContain("\n   at ", log);
        Assert.DoesNotContain("troubleshooting", log);
        Assert.Contains("pool a http://127.0.0.1:1 ready", (await AdminAsync("show", "servers", "state")).Stdout);
    }

    [Fact]
    public async Task EachLevel_RunsItsCommands_AndIsRefusedTheOnesAbove()
    {
        var userShows = await AdminAsync("--level", "user", "show", "servers", "state");
        var userFd = await AdminAsync("--level", "user", "show", "fd");
        var operatorFd = await AdminAsync("--level", "operator", "show", "fd");
        var operatorSet = await AdminAsync("--level", "operator", "set", "server", "pool/a", "state", "maint");
        var adminSet = await AdminAsync("--level", "admin", "set", "server", "pool/a", "state", "maint");
        var after = await AdminAsync("--level", "user", "show", "servers", "state");

        Assert.Equal(0, userShows.ExitCode);
        Assert.Equal(1, userFd.ExitCode);
        Assert.Contains("Permission denied: 'show fd' needs level operator, the key sent has level user", userFd.Stderr);
        Assert.Equal(0, operatorFd.ExitCode);
        Assert.Equal(1, operatorSet.ExitCode);
        Assert.Contains("Permission denied: 'set server pool/a state maint' needs level admin, the key sent has level operator", operatorSet.Stderr);
        Assert.Equal(0, adminSet.ExitCode);
        Assert.Contains("pool a http://127.0.0.1:1 maint", after.Stdout);
        string log = await _node.OutputOnceItHoldsAsync("admin: refused 'show fd'", "admin: refused 'set server pool/a state maint'");
        Assert.Contains("the key sent has level operator", log);
    }

    [Fact]
    public async Task AKeyTheNodeDoesNotKnow_IsRefused_EvenWithTheRightCertificate()
    {
        string forged = Path.Combine(_directory.FullName, "forged");
        Directory.CreateDirectory(forged, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (string file in new[] { "ca.crt", "node.pem" })
        {
            File.Copy(Path.Combine(ActorProxyProcess.DefaultCredentials, file), Path.Combine(forged, file));
        }
        File.WriteAllText(Path.Combine(forged, "admin.key"), "a key this node never made\n");
        File.SetUnixFileMode(Path.Combine(forged, "admin.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var (code, _, stderr) = await ActorProxyProcess.RunAsync("admin", "--node", Node, "--credentials", forged, "show", "info");

        Assert.Equal(1, code);
        Assert.Contains("Permission denied: the admin key sent is not one of this node's", stderr);
        Assert.Contains("admin: refused 'show info'", await _node.OutputOnceItHoldsAsync("admin: refused 'show info'"));
    }

    [Fact]
    public async Task ANodeOfAnotherAuthority_CannotJoin()
    {
        string foreign = await CertificatesAsync("foreign", "intruder");
        string config = Path.Combine(_directory.FullName, "intruder.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{DataPlane.TestBackend.FreePort()}} }
            akka.cluster {
              seed-nodes = [ "akka.ssl.tcp://actorproxy@{{Node}}" ]
              shutdown-after-unsuccessful-join-seed-nodes = 3s
            }
            actorproxy.remote.credentials = "{{Path.Combine(foreign, "intruder")}}"
            actorproxy.frontends.web { bind = "127.0.0.1:{{DataPlane.TestBackend.FreePort()}}", http-request = [ "return status 200" ] }
            """);

        var (code, _, stderr) = await ActorProxyProcess.RunAsync("run", "-f", config);

        Assert.Equal(1, code);
        Assert.Contains("could not join the cluster", stderr);
        Assert.Contains("its certificate 'CN=intruder' is not signed", await _node.OutputOnceItHoldsAsync("CN=intruder"));
        var members = await AdminAsync("show", "members");
        Assert.Equal($"akka.ssl.tcp://actorproxy@{Node}\n", members.Stdout);
    }

    [Fact]
    public async Task CredentialsOpenToOtherUsers_AreRefusedAtCheckAndRun()
    {
        string made = await CertificatesAsync("open", "node");
        string folder = Path.Combine(made, "node");
        File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        string config = Path.Combine(_directory.FullName, "open.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{DataPlane.TestBackend.FreePort()}} }
            actorproxy.remote.credentials = "{{folder}}"
            actorproxy.frontends.web { bind = "127.0.0.1:{{DataPlane.TestBackend.FreePort()}}", http-request = [ "return status 200" ] }
            """);

        var check = await ActorProxyProcess.RunAsync("check", "-f", config);
        var run = await ActorProxyProcess.RunAsync("run", "-f", config);

        string expected = $"{config}: actorproxy.remote.credentials: {folder} is open to other users (mode 705): chmod 700 {folder}";
        Assert.Equal(1, check.ExitCode);
        Assert.Contains(expected, check.Stderr);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, run.Stderr);
        Assert.DoesNotContain("ActorProxy running", run.Stdout);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> AdminAsync(params string[] words) =>
        ActorProxyProcess.RunAsync(["admin", "--node", Node, .. words]);

    private static string Script => Path.Combine(AppContext.BaseDirectory, "cluster-certs.sh");

    // scripts/cluster-certs.sh DIR NAMES…, in a folder of this test; returns DIR.
    private async Task<string> CertificatesAsync(string dir, params string[] names)
    {
        string output = Path.Combine(_directory.FullName, dir);
        await RunAsync(["bash", Script, output, .. names]);
        return output;
    }

    private static async Task RunAsync(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string word in command.Skip(1))
        {
            start.ArgumentList.Add(word);
        }
        using var process = Process.Start(start)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string stderr = await process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', command)}: {stderr}");
    }

    public async Task InitializeAsync()
    {
        string config = Path.Combine(_directory.FullName, "node.conf");
        await File.WriteAllTextAsync(config, $$"""
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{_remotePort}} }
            actorproxy {
              global.threads = 1
              frontends.web { bind = "127.0.0.1:{{_httpPort}}", default-backend = pool }
              backends.pool { servers { a = "127.0.0.1:1" } }
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
