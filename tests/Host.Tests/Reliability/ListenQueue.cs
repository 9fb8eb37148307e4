using System.Diagnostics;
using System.Globalization;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>A listening socket on 127.0.0.1 as the kernel sees it, from <c>ss</c> (iproute2,
/// installed by scripts/test.sh): for a listener, Recv-Q is the connections waiting to be accepted
/// and Send-Q the backlog it asked at listen().</summary>
internal static class ListenQueue
{
    public static (int Waiting, int Backlog) Of(int port)
    {
        using var ss = Process.Start(new ProcessStartInfo("ss", ["-H", "-l", "-t", "-n", $"sport = :{port}"]) { RedirectStandardOutput = true })!;
        string output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // State Recv-Q Send-Q Local Peer
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields[3] == $"127.0.0.1:{port}")
            {
                return (int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture));
            }
        }
        throw new InvalidOperationException($"nothing listens on 127.0.0.1:{port}: {output}");
    }
}
