using ActorProxy.Runtime.Fd;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Fd;

/// <summary>
/// Owns the fd table (seed 004): inserts each connection with its worker's tgid and thread bit,
/// supervises one child actor per connection, and grants leases — a reference held on the
/// tgid — to whoever must touch a connection it does not own (admin, a task on another worker, a
/// remote node). A lease is released by message or when its holder dies; a connection's entry is
/// cleaned only once no lease is held.
/// </summary>
public sealed class FdSupervisor : ReceiveActor
{
    /// <summary>The supervisor's name under /user.</summary>
    public const string Name = "fds";

    private readonly FdTable _table;
    private readonly ILogger _logger;
    private readonly Dictionary<int, IActorRef> _connections = [];
    private readonly Dictionary<IActorRef, int> _connectionOfChild = [];
    private readonly HashSet<int> _closing = [];
    private readonly Dictionary<IActorRef, List<int>> _leases = [];
    private readonly Dictionary<int, long> _registrations = [];

    /// <summary>Creates the supervisor; use <see cref="Props"/>.</summary>
    public FdSupervisor(FdTable table, ILogger logger)
    {
        _table = table;
        _logger = logger;

        Receive<RegisterConnection>(Register);
        Receive<ConnectionClosed>(message =>
        {
            // A close that comes after its fd went to a newer connection is that older one's: done already.
            if (_registrations.TryGetValue(message.Fd, out long current) && current == message.Connection)
            {
                _closing.Add(message.Fd);
                CleanIfFree(message.Fd);
            }
        });
        Receive<RequestLease>(Grant);
        Receive<ReleaseLease>(message => Release(Sender, message.Fd));
        Receive<CloseConnection>(message =>
        {
            if (!HoldsLease(Sender, message.Fd) || !_connections.TryGetValue(message.Fd, out var connection))
            {
                Sender.Tell(new LeaseRefused(message.Fd, "closing a connection needs a lease on it"));
                return;
            }
            connection.Tell(ConnectionActor.Close.Instance);
            Sender.Tell(new ConnectionClosing(message.Fd));
        });
        Receive<GetFdTable>(_ => Sender.Tell(new FdTableSnapshot(_table.InUse
            .Select(e => new FdInfo(e.Fd, e.Tgid, e.RefCount, e.ThreadMask, (FdOwner)e.Owner!))
            .OrderBy(e => e.Fd).ToArray())));
        Receive<Terminated>(message => Terminated(message.ActorRef));
    }

    /// <summary>Props for the supervisor of <paramref name="table"/>.</summary>
    public static Props Props(FdTable table, ILogger logger) => Akka.Actor.Props.Create(() => new FdSupervisor(table, logger));

    /// <inheritdoc/>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(failure =>
    {
        _logger.LogError(failure, "A connection actor failed; its connection is cleaned up");
        return Directive.Stop;
    });

    private void Register(RegisterConnection message)
    {
        if (_registrations.ContainsKey(message.Fd))
        {
            // The system reuses only a closed descriptor: the entry's connection is gone, its own
            // close still on its way. Its leases end with it (a shutdown session holding one is
            // then refused, rather than acting on this new connection).
            Retire(message.Fd);
        }
        try
        {
            _table.Insert(message.Fd, message.Owner, message.Owner.Kind, message.Tgid, message.ThreadMask);
        }
        catch (FdTableException e)
        {
            _logger.LogError("fd table: {Error}", e.Message);
            return;
        }
        _closing.Remove(message.Fd);
        _registrations[message.Fd] = message.Connection;
        var child = Context.ActorOf(ConnectionActor.Props(message.Close));
        Context.Watch(child);
        _connections[message.Fd] = child;
        _connectionOfChild[child] = message.Fd;
    }

    private void Grant(RequestLease message)
    {
        if (_closing.Contains(message.Fd) || !_connections.ContainsKey(message.Fd))
        {
            Sender.Tell(new LeaseRefused(message.Fd, $"fd {message.Fd} is not an open connection"));
            return;
        }
        if (!_table.TryGrab(message.Fd, message.Tgid))
        {
            Sender.Tell(new LeaseRefused(message.Fd, $"fd {message.Fd} is in thread group {_table.GetTgid(message.Fd)}, not {message.Tgid}"));
            return;
        }
        if (!_leases.TryGetValue(Sender, out var held))
        {
            held = [];
            _leases[Sender] = held;
            Context.Watch(Sender);
        }
        held.Add(message.Fd);
        Sender.Tell(new LeaseGranted(message.Fd, message.Tgid));
    }

    private void Release(IActorRef holder, int fd)
    {
        if (!_leases.TryGetValue(holder, out var held) || !held.Remove(fd))
        {
            return;
        }
        if (held.Count == 0)
        {
            _leases.Remove(holder);
            Context.Unwatch(holder);
        }
        _table.Drop(fd);
        CleanIfFree(fd);
    }

    private bool HoldsLease(IActorRef holder, int fd) => _leases.TryGetValue(holder, out var held) && held.Contains(fd);

    private void Terminated(IActorRef actor)
    {
        if (_connectionOfChild.Remove(actor, out int fd))
        {
            // The connection failed or was stopped: its socket goes, its entry too, whatever leases say.
            _connections.Remove(fd);
            RevokeLeases(fd);
            _closing.Add(fd);
            CleanIfFree(fd);
            return;
        }
        if (_leases.Remove(actor, out var leases))
        {
            foreach (int leased in leases)
            {
                _table.Drop(leased);
                CleanIfFree(leased);
            }
        }
    }

    // Every lease on the fd ends, whoever holds it: its connection is gone.
    private void RevokeLeases(int fd)
    {
        foreach (var (holder, held) in _leases.ToArray())
        {
            while (held.Remove(fd))
            {
                _table.Drop(fd);
            }
            if (held.Count == 0)
            {
                _leases.Remove(holder);
                Context.Unwatch(holder);
            }
        }
    }

    // The entry of a connection whose fd the system gave to a new one: cleaned now, whatever
    // leases it had, and its actor stopped without closing anything (its socket is closed already).
    private void Retire(int fd)
    {
        RevokeLeases(fd);
        if (_connections.Remove(fd, out var child))
        {
            _connectionOfChild.Remove(child);
            Context.Unwatch(child);
            Context.Stop(child);
        }
        if (_table[fd].Owner is not null)
        {
            _table.Delete(fd);
        }
        _closing.Remove(fd);
        _registrations.Remove(fd);
    }

    // A closed connection's entry is cleaned (fd_delete) once its last lease is gone.
    private void CleanIfFree(int fd)
    {
        if (!_closing.Contains(fd) || _table[fd].RefCount != 0 || _table[fd].Owner is null)
        {
            return;
        }
        _table.Delete(fd);
        _closing.Remove(fd);
        _registrations.Remove(fd);
        if (_connections.Remove(fd, out var child))
        {
            _connectionOfChild.Remove(child);
            Context.Unwatch(child);
            Context.Stop(child);
        }
    }
}
