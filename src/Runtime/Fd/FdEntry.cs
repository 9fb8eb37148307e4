namespace ActorProxy.Runtime.Fd;

/// <summary>
/// One entry of the fd table (HAProxy's <c>struct fdtab</c>). <see cref="RefcTgid"/> is the
/// composite word of seed 004: a reference count in the high 16 bits, the thread group id in the
/// low 16. The tgid may only change while the count is zero; a closed entry has both at zero.
/// </summary>
public sealed class FdEntry
{
    internal uint RefcTgidWord;
    internal long RunningMaskWord;

    internal FdEntry(int fd)
    {
        Fd = fd;
    }

    /// <summary>The descriptor: the OS socket handle.</summary>
    public int Fd { get; }

    /// <summary>The connection or listener using the fd, or null when the entry is clean (closed).</summary>
    public object? Owner { get; internal set; }

    /// <summary>What handles its I/O (HAProxy's <c>iocb</c>), for <c>show fd</c>.</summary>
    public string? Handler { get; internal set; }

    /// <summary>Its polling state (FD_EV_*); 0 when clean.</summary>
    public uint State { get; internal set; }

    /// <summary>The threads of its group allowed to handle it.</summary>
    public ulong ThreadMask { get; internal set; }

    /// <summary>The threads using it right now.</summary>
    public ulong RunningMask => (ulong)Volatile.Read(ref RunningMaskWord);

    /// <summary>The composite word, read atomically.</summary>
    public uint RefcTgid => Volatile.Read(ref RefcTgidWord);

    /// <summary>The thread group id, the refcount masked off (<c>fd_tgid</c>).</summary>
    public int Tgid => (int)(RefcTgid & 0xFFFF);

    /// <summary>How many references are held on the tgid.</summary>
    public int RefCount => (int)(RefcTgid >> 16);
}
