namespace ActorProxy.Runtime.Balancing;

/// <summary>
/// HAProxy's <c>balance roundrobin</c> for one backend (lb_fwrr.c, "fast weighted round robin"),
/// ported step by step so that the servers come in HAProxy's order, weights, state changes and
/// weight changes at runtime included: each server has a next position in a window as wide as the
/// backend's total weight, the one with the lowest position goes next, and a server that comes up
/// or changes weight is placed where HAProxy places it. ActorProxy has no backup servers and no
/// server maxconn, so only HAProxy's active group is here; a server the caller will not take (one
/// a TCP connection already tried) is skipped as HAProxy skips a saturated one.
/// One lock guards a backend's rotation, as HAProxy's LBPRM_LOCK does.
/// </summary>
public sealed class WeightedRoundRobin
{
    private const int WeightScale = 16;                                 // BE_WEIGHT_SCALE
    private const int UserWeightRange = 256;                            // SRV_UWGHT_RANGE
    private const int EffectiveWeightMax = UserWeightRange * WeightScale; // SRV_EWGHT_MAX

    private readonly Lock _lock = new();
    private readonly Server[] _servers;
    private readonly Dictionary<string, Server> _byName;
    private readonly Tree _current = new();
    private Tree _init = new();
    private Tree _next = new();
    private int _currentPosition;
    private int _currentWeight;
    private int _nextWeight;

    /// <summary>A rotation over <paramref name="servers"/> (in declaration order) with their
    /// configured weights (0 to 256), all usable as HAProxy's servers are at start.</summary>
    public WeightedRoundRobin(IEnumerable<(string Name, int Weight)> servers)
    {
        _servers = servers.Select(s => new Server(s.Name, s.Weight * WeightScale)).ToArray();
        _byName = _servers.ToDictionary(s => s.Name, StringComparer.Ordinal);
        // fwrr_init_server_groups, after recount_servers.
        _currentPosition = _currentWeight = _nextWeight = _servers.Where(s => s.WillBeUsable).Sum(s => s.NextEffectiveWeight);
        foreach (var server in _servers.Where(s => s.CurrentlyUsable))
        {
            QueueByWeight(_init, server);
        }
    }

    /// <summary>The next server, in HAProxy's order, among those <paramref name="accepts"/>
    /// takes (given <paramref name="state"/>, so that the test needs no closure); null when no
    /// usable server is left (fwrr_get_next_server).</summary>
    public string? Next<TState>(TState state, Func<TState, string, bool> accepts)
    {
        lock (_lock)
        {
            return NextServer(state, accepts)?.Name;
        }
    }

    /// <summary>Whether <paramref name="server"/> may take traffic, its weight aside (up,
    /// ready): a change moves it in or out of the rotation as HAProxy's
    /// set_server_status_up/down do.</summary>
    public void SetReady(string server, bool ready) => Change(server, s => s.NextReady = ready);

    /// <summary>Sets <paramref name="server"/>'s user weight (0 to 256), as <c>set server … weight</c>
    /// does (fwrr_update_server_weight).</summary>
    public void SetWeight(string server, int weight) => Change(server, s => s.NextEffectiveWeight = weight * WeightScale);

    private void Change(string name, Action<Server> change)
    {
        lock (_lock)
        {
            var server = _byName[name];
            change(server);
            UpdateServer(server);
        }
    }

    private Server? NextServer<TState>(TState state, Func<TState, string, bool> accepts)
    {
        if (!_servers.Any(s => s.CurrentlyUsable))
        {
            return null;
        }
        bool switched = false;
        List<Server>? skipped = null;
        Server? server;
        while (true)
        {
            // An empty group first collects weights that may have changed.
            if (_currentWeight == 0)
            {
                _currentPosition = _currentWeight = _nextWeight;
            }
            while (true)
            {
                server = FromGroup();
                if (server is not null)
                {
                    break;
                }
                if (switched)
                {
                    Requeue(skipped, null, switched);
                    return null;
                }
                switched = true;
                SwitchTrees();
            }
            UpdatePosition(server);
            server.Dequeue();
            _currentPosition++;
            if (accepts(state, server.Name))
            {
                break;
            }
            (skipped ??= []).Add(server);
        }
        QueueServer(server);
        Requeue(skipped, server, switched);
        return server;
    }

    // Servers skipped on the way regain their place; after a switch of trees their place was
    // lost, and only their weight counts.
    private void Requeue(List<Server>? skipped, Server? taken, bool switched)
    {
        if (skipped is null)
        {
            return;
        }
        // HAProxy chains them last first.
        for (int i = skipped.Count - 1; i >= 0; i--)
        {
            if (skipped[i] == taken)
            {
                continue;
            }
            if (switched)
            {
                QueueByWeight(_init, skipped[i]);
            }
            else
            {
                QueueServer(skipped[i]);
            }
        }
    }

    // fwrr_update_server_weight, which hands state changes to set_server_status_up/down.
    private void UpdateServer(Server server)
    {
        if (!server.Changed)
        {
            return;
        }
        bool wasUsable = server.CurrentlyUsable, willBeUsable = server.WillBeUsable;
        if (!wasUsable && willBeUsable)
        {
            StatusUp(server);
        }
        else if (wasUsable && !willBeUsable)
        {
            StatusDown(server);
        }
        else if (wasUsable)
        {
            _nextWeight = _nextWeight - server.EffectiveWeight + server.NextEffectiveWeight;
            if (server.LbTree == _init)
            {
                server.Dequeue();
                QueueByWeight(_init, server);
            }
            else
            {
                // In the current tree or the next one: if it still has places left in the
                // current window, its next position moves with its new weight.
                GetServer(server);
                if (server.NextEffectiveWeight > 0)
                {
                    int previousNext = server.NextPosition;
                    int step = _nextWeight / server.NextEffectiveWeight;
                    server.NextPosition = server.LastPosition + step;
                    server.Remainder = 0;
                    if (server.NextPosition > previousNext)
                    {
                        server.NextPosition = previousNext;
                    }
                    if (server.NextPosition < _currentPosition + 2)
                    {
                        server.NextPosition = _currentPosition + step;
                    }
                }
                else
                {
                    server.NextPosition = _currentPosition + _currentWeight;
                }
                server.Dequeue();
                QueueServer(server);
            }
        }
        server.Commit();
    }

    // fwrr_set_server_status_up, for a server that was not usable and will be.
    private void StatusUp(Server server)
    {
        _nextWeight += server.NextEffectiveWeight;
        GetServer(server);
        server.NextPosition = _currentPosition + (_nextWeight + _currentWeight - _currentPosition) / server.NextEffectiveWeight;
        QueueServer(server);
    }

    // fwrr_set_server_status_down, for a server that was usable and will not be.
    private void StatusDown(Server server)
    {
        _nextWeight -= server.EffectiveWeight;
        server.Dequeue();
        server.LbTree = null;
    }

    // fwrr_queue_by_weight: the init and next trees hold the heaviest first.
    private static void QueueByWeight(Tree tree, Server server)
    {
        tree.Insert(server, (uint)(EffectiveWeightMax - server.NextEffectiveWeight));
        server.LbTree = tree;
    }

    // fwrr_queue_srv: what does not fit in the window, or in the window to come, waits in the
    // next tree; the rest goes into the current one by position.
    private void QueueServer(Server server)
    {
        if (!server.WillBeUsable)
        {
            server.LbTree = null;
        }
        else if (server.NextEffectiveWeight <= 0 || server.NextPosition >= 2 * _currentWeight
            || server.NextPosition >= _currentWeight + _nextWeight)
        {
            server.NextPosition -= _currentWeight;
            QueueByWeight(_next, server);
        }
        else
        {
            uint key = unchecked((uint)(UserWeightRange * server.NextPosition)
                + (uint)(EffectiveWeightMax + server.Remainder - server.NextEffectiveWeight) / WeightScale);
            _current.Insert(server, key);
            server.LbTree = _current;
        }
    }

    // fwrr_get_srv: a server's position as it leaves the tree it is in.
    private void GetServer(Server server)
    {
        if (server.LbTree == _init)
        {
            server.NextPosition = server.Remainder = 0;
        }
        else if (server.LbTree == _next)
        {
            server.NextPosition += _currentWeight;
        }
        else if (server.LbTree is null)
        {
            server.NextPosition = _currentPosition;
        }
    }

    // fwrr_switch_trees: the next window begins.
    private void SwitchTrees()
    {
        (_init, _next) = (_next, _init);
        _currentWeight = _nextWeight;
        _currentPosition = _currentWeight;
    }

    // fwrr_get_server_from_group: the first of the current tree if its turn has come, else the
    // heaviest waiting in the init tree, else the first of the current tree anyway.
    private Server? FromGroup()
    {
        var first = _current.First();
        if (first is not null && first.EffectiveWeight > 0 && first.NextPosition <= _currentPosition)
        {
            return first;
        }
        var waiting = _init.First();
        if (waiting is not null && waiting.EffectiveWeight > 0)
        {
            waiting.NextPosition = waiting.Remainder = 0;
            return waiting;
        }
        return first;
    }

    // fwrr_update_position.
    private void UpdatePosition(Server server)
    {
        int weight = server.EffectiveWeight;
        if (weight == 0)
        {
            return;
        }
        if (server.NextPosition == 0)
        {
            server.NextPosition = _currentPosition;
        }
        server.LastPosition = server.NextPosition;
        server.NextPosition += _nextWeight / weight;
        server.Remainder += _nextWeight % weight;
        if (server.Remainder >= weight)
        {
            server.Remainder -= weight;
            server.NextPosition++;
        }
    }

    // A server's place in the rotation: HAProxy's cur_/next_ state and eweight, npos, lpos, rweight.
    private sealed class Server(string name, int effectiveWeight)
    {
        public string Name { get; } = name;
        public bool Ready { get; private set; } = true;
        public bool NextReady { get; set; } = true;
        public int EffectiveWeight { get; private set; } = effectiveWeight;
        public int NextEffectiveWeight { get; set; } = effectiveWeight;
        public int NextPosition { get; set; }
        public int LastPosition { get; set; }
        public int Remainder { get; set; }

        // The tree the server was last queued in (lb_tree), kept when it is dequeued.
        public Tree? LbTree { get; set; }

        // The tree that holds it now.
        public Tree? HeldBy { get; set; }
        public uint Key { get; set; }

        public bool CurrentlyUsable => Ready && EffectiveWeight > 0;
        public bool WillBeUsable => NextReady && NextEffectiveWeight > 0;
        public bool Changed => Ready != NextReady || EffectiveWeight != NextEffectiveWeight;

        public void Commit()
        {
            Ready = NextReady;
            EffectiveWeight = NextEffectiveWeight;
        }

        public void Dequeue() => HeldBy?.Remove(this);
    }

    // An eb32 tree as fwrr uses it: by key, equal keys in the order they were inserted.
    private sealed class Tree
    {
        private readonly List<Server> _servers = [];

        public Server? First() => _servers.Count > 0 ? _servers[0] : null;

        public void Insert(Server server, uint key)
        {
            server.Key = key;
            server.HeldBy = this;
            int at = _servers.FindIndex(s => s.Key > key);
            _servers.Insert(at < 0 ? _servers.Count : at, server);
        }

        public void Remove(Server server)
        {
            _servers.Remove(server);
            server.HeldBy = null;
        }
    }
}
