using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>HAProxy 2.6 (Debian's, installed by scripts/test.sh) running one configuration for a
/// test to compare ActorProxy with; killed when disposed.</summary>
public sealed class HaproxyProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HaproxyProcess(Process process) => _process = process;

    /// <summary>Starts haproxy on <paramref name="configFile"/> and waits (bounded) until each of
    /// <paramref name="ports"/> takes connections; throws with its error output if it exits.</summary>
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
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
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
