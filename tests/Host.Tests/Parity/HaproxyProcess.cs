using System.Diagnostics;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>HAProxy 2.6 (Debian's, installed by scripts/test.sh) running one configuration for a
/// test to compare ActorProxy with; killed when disposed.</summary>
public sealed class HaproxyProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HaproxyProcess(Process process) => _process = process;

    /// <summary>Starts haproxy on <paramref name="configFile"/> and waits (bounded) until each of
    /// <paramref name="ports"/> listens; throws with its error output if it exits. The ports are
    /// watched in the kernel's socket table, not probed: a probe's connection would be a session
    /// HAProxy logs.</summary>
    public static async Task<HaproxyProcess> StartAsync(string configFile, params int[] ports)
    {
        var process = Process.Start(new ProcessStartInfo("haproxy", ["-db", "-f", configFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(configFile),
        }) ?? throw new InvalidOperationException("haproxy did not start; scripts/test.sh installs it.");
        var haproxy = new HaproxyProcess(process);
        foreach (int port in ports)
        {
            await haproxy.WaitForListenerAsync(port);
        }
        return haproxy;
    }

    private async Task WaitForListenerAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"haproxy exited: {await _process.StandardError.ReadToEndAsync()}");
            }
            if (await ListensAsync(port))
            {
                return;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"haproxy did not listen on port {port} within 10 s");
            }
            await Task.Delay(50);
        }
    }

    // A socket in state LISTEN (0A) on the port, in /proc/net/tcp or tcp6.
    private static async Task<bool> ListensAsync(int port)
    {
        string local = $":{port:X4} ";
        foreach (string table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (string line in await File.ReadAllLinesAsync(table))
            {
                string[] columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 3 && (columns[1] + " ").EndsWith(local, StringComparison.Ordinal) && columns[3] == "0A")
                {
                    return true;
                }
            }
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
