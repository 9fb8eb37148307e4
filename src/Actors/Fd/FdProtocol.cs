namespace ActorProxy.Actors.Fd;

/// <summary>What an fd is used for, as <c>show fd</c> prints it.</summary>
/// <param name="Kind">"frontend" for an accepted connection, "backend" for one to a server.</param>
/// <param name="Proxy">The frontend or backend.</param>
/// <param name="Peer">The address at the other end.</param>
public sealed record FdOwner(string Kind, string Proxy, string Peer);

/// <summary>A connection was accepted or opened: insert it in the table (<c>fd_insert</c>) and
/// give it a child actor. <paramref name="Close"/> closes its socket; it is local to this node.</summary>
/// <param name="Fd">The OS socket handle.</param>
/// <param name="Owner">What it is.</param>
/// <param name="Tgid">The thread group of the worker that owns it.</param>
/// <param name="ThreadMask">That worker's bit in its group.</param>
/// <param name="Close">Closes the connection.</param>
public sealed record RegisterConnection(int Fd, FdOwner Owner, int Tgid, ulong ThreadMask, Action Close)
{
    private static long s_next;

    /// <summary>This connection among all that have had <see cref="Fd"/>: the system gives a
    /// closed descriptor's number to the next socket at once, possibly before the closed one's
    /// <see cref="ConnectionClosed"/> has arrived.</summary>
    public long Connection { get; } = Interlocked.Increment(ref s_next);
}

/// <summary>The connection's socket is closed: its entry is cleaned once no lease is held.</summary>
/// <param name="Fd">The OS socket handle.</param>
/// <param name="Connection">The <see cref="RegisterConnection.Connection"/> it was registered with;
/// a later connection on the same fd is not touched.</param>
public sealed record ConnectionClosed(int Fd, long Connection);

/// <summary>Asks for a lease on <paramref name="Fd"/>: a reference on its tgid, held until
/// <see cref="ReleaseLease"/> or until the asker dies. Answered with <see cref="LeaseGranted"/>
/// or <see cref="LeaseRefused"/>.</summary>
/// <param name="Fd">The fd.</param>
/// <param name="Tgid">The thread group the asker expects the fd in.</param>
public sealed record RequestLease(int Fd, int Tgid);

/// <summary>The lease is held: the fd keeps its tgid and stays open until released.</summary>
/// <param name="Fd">The fd.</param>
/// <param name="Tgid">Its thread group.</param>
public sealed record LeaseGranted(int Fd, int Tgid);

/// <summary>No lease: the fd is closed or in another group.</summary>
/// <param name="Fd">The fd.</param>
/// <param name="Reason">Why.</param>
public sealed record LeaseRefused(int Fd, string Reason);

/// <summary>Gives a lease back.</summary>
/// <param name="Fd">The fd.</param>
public sealed record ReleaseLease(int Fd);

/// <summary>Closes the connection on <paramref name="Fd"/> (<c>shutdown session</c>); the
/// asker must hold a lease on it. Answered with <see cref="ConnectionClosing"/> or <see cref="LeaseRefused"/>.</summary>
/// <param name="Fd">The fd.</param>
public sealed record CloseConnection(int Fd);

/// <summary>The connection's child actor was told to close it.</summary>
/// <param name="Fd">The fd.</param>
public sealed record ConnectionClosing(int Fd);

/// <summary>Asks for the table, for <c>show fd</c>; answered with <see cref="FdTableSnapshot"/>.</summary>
public sealed record GetFdTable
{
    /// <summary>The one instance.</summary>
    public static readonly GetFdTable Instance = new();
}

/// <summary>One fd as <c>show fd</c> prints it.</summary>
/// <param name="Fd">The fd.</param>
/// <param name="Tgid">Its thread group.</param>
/// <param name="RefCount">Leases held.</param>
/// <param name="ThreadMask">Threads allowed to handle it.</param>
/// <param name="Owner">What it is.</param>
public sealed record FdInfo(int Fd, int Tgid, int RefCount, ulong ThreadMask, FdOwner Owner);

/// <summary>The fds in use.</summary>
/// <param name="Entries">By fd.</param>
public sealed record FdTableSnapshot(IReadOnlyList<FdInfo> Entries);
