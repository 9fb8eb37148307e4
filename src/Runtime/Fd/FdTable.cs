using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Runtime.Fd;

/// <summary>
/// The fd table (HAProxy's <c>fdtab[]</c>), indexed by the OS socket handle, with seed 004's
/// thread-group id and refcount in one atomic word per entry. Thread-safe: every change to the
/// word is a compare-and-swap; the other fields of an entry change only while it is being
/// inserted or closed, which the word's rules make exclusive.
/// </summary>
public sealed class FdTable
{
    private const uint OneRef = 0x10000;

    private readonly FdEntry?[] _entries;
    private readonly ThreadLayout _layout;

    /// <summary>Creates a table for descriptors 0..<paramref name="maxSock"/>-1 (<c>global.maxsock</c>).</summary>
    public FdTable(int maxSock, ThreadLayout layout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSock, 1);
        _entries = new FdEntry?[maxSock];
        _layout = layout;
    }

    /// <summary>The largest descriptor plus one.</summary>
    public int MaxSock => _entries.Length;

    /// <summary>Entries in use (with an owner), by descriptor.</summary>
    public IEnumerable<FdEntry> InUse => _entries.Where(e => e?.Owner is not null)!;

    /// <summary>The entry of <paramref name="fd"/> (created clean on first use).</summary>
    public FdEntry this[int fd] => Entry(fd);

    /// <summary>Registers a new descriptor (<c>fd_insert</c>): the entry must be clean (no owner,
    /// state 0, refc_tgid 0) and <paramref name="threadMask"/>, once limited to the group's
    /// threads, must not be empty.</summary>
    /// <exception cref="FdTableException">An invariant would break; nothing changed.</exception>
    public void Insert(int fd, object owner, string handler, int tgid, ulong threadMask)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var entry = Entry(fd);
        if (tgid < 1 || tgid > _layout.Groups)
        {
            throw new FdTableException($"fd {fd}: thread group {tgid} does not exist (1..{_layout.Groups}).");
        }
        ulong mask = threadMask & _layout.MaskOf(tgid);
        if (mask == 0)
        {
            throw new FdTableException($"fd {fd}: thread mask 0x{threadMask:x} has no thread of group {tgid}.");
        }
        lock (entry)
        {
            if (entry.Owner is not null || entry.State != 0 || entry.RefcTgid != 0)
            {
                throw new FdTableException($"fd {fd}: insert into an entry in use (owner {entry.Owner?.GetType().Name ?? "none"}, state {entry.State}, refc_tgid 0x{entry.RefcTgid:x8}).");
            }
            entry.Owner = owner;
            entry.Handler = handler;
            entry.State = 0;
            entry.ThreadMask = mask;
            Volatile.Write(ref entry.RunningMaskWord, 0);
            Volatile.Write(ref entry.RefcTgidWord, (uint)tgid);
        }
    }

    /// <summary>The thread group of <paramref name="fd"/> (<c>fd_tgid</c>): the refcount is masked.</summary>
    public int GetTgid(int fd) => Entry(fd).Tgid;

    /// <summary>Takes a reference on the tgid of <paramref name="fd"/> if it is
    /// <paramref name="tgid"/> (<c>fd_grab_tgid</c>); while held, the tgid cannot change and the
    /// fd cannot close. False when the fd belongs to another group (or none).</summary>
    public bool TryGrab(int fd, int tgid)
    {
        ref uint word = ref Entry(fd).RefcTgidWord;
        uint old = Volatile.Read(ref word);
        while (true)
        {
            if ((old & 0xFFFF) != (uint)tgid || tgid == 0)
            {
                return false;
            }
            if (old >> 16 == 0xFFFF)
            {
                throw new FdTableException($"fd {fd}: refcount overflow.");
            }
            uint seen = Interlocked.CompareExchange(ref word, old + OneRef, old);
            if (seen == old)
            {
                return true;
            }
            old = seen;
        }
    }

    /// <summary>Releases a reference taken by <see cref="TryGrab"/> (<c>fd_drop_tgid</c>);
    /// returns how many remain.</summary>
    /// <exception cref="FdTableException">No reference was held.</exception>
    public int Drop(int fd)
    {
        ref uint word = ref Entry(fd).RefcTgidWord;
        uint old = Volatile.Read(ref word);
        while (true)
        {
            if (old >> 16 == 0)
            {
                throw new FdTableException($"fd {fd}: drop without a reference held.");
            }
            uint seen = Interlocked.CompareExchange(ref word, old - OneRef, old);
            if (seen == old)
            {
                return (int)((old - OneRef) >> 16);
            }
            old = seen;
        }
    }

    /// <summary>Moves <paramref name="fd"/> to thread group <paramref name="tgid"/>
    /// (<c>fd_claim_tgid</c>); only possible while no reference is held.</summary>
    public bool TryChangeTgid(int fd, int tgid)
    {
        if (tgid < 1 || tgid > _layout.Groups)
        {
            throw new FdTableException($"fd {fd}: thread group {tgid} does not exist (1..{_layout.Groups}).");
        }
        ref uint word = ref Entry(fd).RefcTgidWord;
        uint old = Volatile.Read(ref word);
        return old >> 16 == 0 && Interlocked.CompareExchange(ref word, (uint)tgid, old) == old;
    }

    /// <summary>Marks thread <paramref name="threadBit"/> as using the fd; returns the new mask.</summary>
    public ulong SetRunning(int fd, ulong threadBit) =>
        (ulong)Interlocked.Or(ref Entry(fd).RunningMaskWord, (long)threadBit) | threadBit;

    /// <summary>Clears thread <paramref name="threadBit"/> from the running mask (<c>fd_clr_running</c>);
    /// returns the bits that remain.</summary>
    public ulong ClearRunning(int fd, ulong threadBit) =>
        (ulong)Interlocked.And(ref Entry(fd).RunningMaskWord, ~(long)threadBit) & ~threadBit;

    /// <summary>Closes <paramref name="fd"/> in the table (<c>fd_delete</c>): refused while a
    /// reference is held; afterwards the entry is clean for the next socket that reuses the number.</summary>
    /// <exception cref="FdTableException">A reference is still held.</exception>
    public void Delete(int fd)
    {
        var entry = Entry(fd);
        lock (entry)
        {
            uint word = entry.RefcTgid;
            // Lock the tgid at zero refs: a grab racing with us either lands first (we refuse) or fails.
            if (word >> 16 != 0 || Interlocked.CompareExchange(ref entry.RefcTgidWord, 0, word) != word)
            {
                throw new FdTableException($"fd {fd}: close refused, {entry.RefCount} reference(s) still held.");
            }
            entry.Owner = null;
            entry.Handler = null;
            entry.State = 0;
            entry.ThreadMask = 0;
            Volatile.Write(ref entry.RunningMaskWord, 0);
        }
    }

    private FdEntry Entry(int fd)
    {
        if ((uint)fd >= (uint)_entries.Length)
        {
            throw new FdTableException($"fd {fd}: outside the table (0..{_entries.Length - 1}); raise maxsock.");
        }
        var entry = Volatile.Read(ref _entries[fd]);
        if (entry is null)
        {
            Interlocked.CompareExchange(ref _entries[fd], new FdEntry(fd), null);
            entry = _entries[fd]!;
        }
        return entry;
    }
}
