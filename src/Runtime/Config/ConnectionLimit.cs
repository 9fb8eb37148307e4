using System.Runtime.InteropServices;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// The global <c>maxconn</c> a node uses when its configuration leaves it at 0, derived from the
/// file descriptor limit as HAProxy 2.6 does (<c>compute_ideal_maxconn</c>): two descriptors per
/// connection (the client's and the server's) once the listeners, the threads' pollers and
/// wake-up pipes, and a reserve for the process's own files are set aside; never below 100
/// (HAProxy's <c>DEFAULT_MAXCONN</c>). HAProxy's reserve is 20 descriptors; a .NET process holds
/// more before it listens (its runtime, remoting, logs), so the reserve is whichever is larger:
/// 20 or the descriptors open when the listeners start.
/// </summary>
public static class ConnectionLimit
{
    private const int Floor = 100;
    private const int Reserve = 20;

    /// <summary>The maxconn for <paramref name="fdLimit"/> descriptors.</summary>
    /// <param name="fdLimit">The process's RLIMIT_NOFILE.</param>
    /// <param name="openFiles">Descriptors the process holds now.</param>
    /// <param name="listeners">The listeners about to open.</param>
    /// <param name="threads">Worker threads (HAProxy's nbthread).</param>
    public static int Derive(long fdLimit, int openFiles, int listeners, int threads)
    {
        long remain = fdLimit - listeners - threads - 2L * threads - Math.Max(Reserve, openFiles);
        return (int)Math.Clamp(remain / 2, Floor, int.MaxValue);
    }

    /// <summary>The process's file descriptor limit (the soft RLIMIT_NOFILE, which .NET raises to
    /// the hard one at start-up).</summary>
    public static long FileDescriptorLimit()
    {
        if (getrlimit(RlimitNoFile, out var limit) != 0)
        {
            throw new InvalidOperationException($"getrlimit(RLIMIT_NOFILE) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
        return (long)Math.Min(limit.Current, long.MaxValue);
    }

    /// <summary>Descriptors the process holds now.</summary>
    public static int OpenFiles() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    private const int RlimitNoFile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);
}
