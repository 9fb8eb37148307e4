using System.Globalization;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>What the kernel says of a node's memory.</summary>
internal static class NodeMemory
{
    /// <summary>The peak resident set of process <paramref name="pid"/> so far (VmHWM), in kB.</summary>
    public static long PeakResidentKb(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
