namespace ActorProxy.Runtime.Balancing;

/// <summary>
/// HAProxy's server <c>maxconn</c> and backend queue for one backend (queue.c): each server
/// serves at most its maxconn sessions at once (0: no limit; below 0, as HAProxy takes it, none);
/// a session that finds every server
/// full waits in the backend's queue, in arrival order, until a server frees a slot, which goes to
/// the oldest waiting (process_srv_queue, pendconn_process_next_strm), or until its wait is over
/// (<c>timeout queue</c>). A slot given to a waiter is taken on its behalf, as HAProxy's
/// stream_add_srv_conn counts it at once.
/// </summary>
public sealed class BackendQueue
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Server> _servers;
    private readonly LinkedList<Waiter> _waiting = [];
    private long _dequeued;
    private int _served;

    /// <summary>A queue for <paramref name="servers"/> and their maxconn (0 for none).</summary>
    public BackendQueue(IEnumerable<(string Name, int MaxConn)> servers) =>
        _servers = servers.ToDictionary(s => s.Name, s => new Server(s.MaxConn), StringComparer.Ordinal);

    /// <summary>Sessions waiting now (<c>show stat</c>'s backend <c>qcur</c>).</summary>
    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>The most sessions that waited at once (<c>qmax</c>).</summary>
    public int MaxLength { get; private set; }

    /// <summary>The backend's sessions now: those its servers serve and those waiting (HAProxy's beconn).</summary>
    public int Sessions => Volatile.Read(ref _served) + Length;

    /// <summary>A server's sessions served now (HAProxy's <c>served</c>).</summary>
    public int Served(string server)
    {
        lock (_lock)
        {
            return _servers[server].Served;
        }
    }

    /// <summary>A server's maxconn now, 0 for none.</summary>
    public int MaxConn(string server)
    {
        lock (_lock)
        {
            return _servers[server].MaxConn;
        }
    }

    /// <summary>Takes a slot of <paramref name="server"/> when it has one free and no session
    /// waits before (fwrr's saturation test: <c>!queue.length &amp;&amp; served &lt; maxconn</c>).</summary>
    public bool TryTake(string server)
    {
        lock (_lock)
        {
            var slots = _servers[server];
            if (slots.MaxConn != 0 && (_waiting.Count > 0 || slots.Served >= slots.MaxConn))
            {
                return false;
            }
            slots.Served++;
            _served++;
            return true;
        }
    }

    /// <summary>Waits in the queue for a slot: the server that gave one (taken for the caller),
    /// or null once <paramref name="cancel"/> fires first (the queue timeout, the client gone),
    /// and HAProxy's <c>%bq</c>: how many sessions left the queue from the moment this one
    /// entered it until it did, itself included. A slot given just as the wait ended is the
    /// caller's all the same.</summary>
    public async Task<(string? Server, long Position)> WaitAsync(CancellationToken cancel)
    {
        var waiter = new Waiter();
        lock (_lock)
        {
            waiter.Entered = _dequeued;
            waiter.Node = _waiting.AddLast(waiter);
            MaxLength = Math.Max(MaxLength, _waiting.Count);
        }
        using (cancel.UnsafeRegister(static state => ((Waiter)state!).Granted.TrySetResult((null, 0)), waiter))
        {
            var granted = await waiter.Granted.Task.ConfigureAwait(false);
            if (granted.Server is not null)
            {
                return granted;
            }
        }
        lock (_lock)
        {
            if (waiter.Node.List is not null)
            {
                _waiting.Remove(waiter.Node);
            }
            return (null, _dequeued - waiter.Entered + 1);
        }
    }

    /// <summary>Gives a slot of <paramref name="server"/> back; when the server is usable
    /// (<paramref name="usable"/> says, asked only when sessions wait), its free slots go to them.</summary>
    public void Release<TState>(string server, TState state, Func<TState, bool> usable)
    {
        lock (_lock)
        {
            _servers[server].Served--;
            _served--;
            if (_waiting.Count > 0 && usable(state))
            {
                Dispatch(server);
            }
        }
    }


    /// <summary>Sets a server's maxconn (<c>set maxconn server</c>); when it is
    /// <paramref name="usable"/>, the slots it gains go to the sessions waiting.</summary>
    public void SetMaxConn(string server, int maxConn, bool usable)
    {
        lock (_lock)
        {
            _servers[server].MaxConn = maxConn;
            if (usable)
            {
                Dispatch(server);
            }
        }
    }

    /// <summary>A server became usable (up, ready, weighing something): its free slots go to
    /// the sessions waiting (pendconn_grab_from_px).</summary>
    public void Usable(string server)
    {
        lock (_lock)
        {
            Dispatch(server);
        }
    }

    // process_srv_queue: while the server has room, the oldest waiting session gets a slot of it.
    private void Dispatch(string server)
    {
        var slots = _servers[server];
        while ((slots.MaxConn == 0 || slots.Served < slots.MaxConn) && _waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            var waiter = first.Value;
            // One that gave up meanwhile is dropped; the slot goes to the next.
            if (waiter.Granted.TrySetResult((server, _dequeued - waiter.Entered + 1)))
            {
                slots.Served++;
                _served++;
                _dequeued++;
            }
        }
    }

    private sealed class Server(int maxConn)
    {
        public int MaxConn { get; set; } = maxConn;
        public int Served { get; set; }
    }

    private sealed class Waiter
    {
        public TaskCompletionSource<(string? Server, long Position)> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long Entered { get; set; }
        public LinkedListNode<Waiter> Node { get; set; } = null!;
    }
}
