using System.Diagnostics;

namespace ActorProxy.Host.Tests.StatsSocket;

/// <summary><c>echo INPUT | socat stdio ADDRESS</c>, as an operator types it (scripts/test.sh installs socat).</summary>
public static class Socat
{
    /// <summary>What the address answered to <paramref name="input"/>, to its end.</summary>
    public static async Task<string> RunAsync(string input, string address)
    {
        using var socat = Process.Start(new ProcessStartInfo("socat", ["stdio", address])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("socat did not start; scripts/test.sh installs it.");
        await socat.StandardInput.WriteAsync(input);
        socat.StandardInput.Close();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string output = await socat.StandardOutput.ReadToEndAsync(limit.Token);
        await socat.WaitForExitAsync(limit.Token);
        return output;
    }
}
