using System.Runtime.InteropServices;

namespace ActorProxy.Runtime.Pools;

/// <summary>
/// The C library's heap, where Lua states allocate (lauxlib's l_alloc when no memory limit is
/// set) and native code under .NET does. glibc keeps what is freed in its per-thread arenas, so a
/// process whose allocations churn — Lua's do, several per call — grows where nothing leaks; HAProxy
/// gives it back with malloc_trim in pool_gc (trim_all_pools), and so does this.
/// </summary>
public static partial class NativeHeap
{
    private static int s_unavailable;

    /// <summary>Returns the free memory of every arena to the system (<c>malloc_trim(0)</c>);
    /// true when some was. Does nothing where the C library has no malloc_trim (not glibc).
    /// May take a few milliseconds, holding each arena's lock in turn: call it off the request path.</summary>
    public static bool Trim()
    {
        if (Volatile.Read(ref s_unavailable) != 0 || !OperatingSystem.IsLinux())
        {
            return false;
        }
        try
        {
            return malloc_trim(0) != 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            Volatile.Write(ref s_unavailable, 1);
            return false;
        }
    }

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);
}
