using ActorProxy.Host.DataPlane.AccessLog;
using ActorProxy.Runtime.Balancing;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// How a session of a roundrobin backend gets its server (HAProxy's assign_server_and_queue):
/// the backend's rotation (<see cref="WeightedRoundRobin"/>) offers the servers in HAProxy's
/// order, a server at its maxconn is skipped (<see cref="BackendQueue"/>), and when every
/// available server is full the session waits in the backend's queue for the first slot freed,
/// at most <c>timeout queue</c> (HAProxy's default: <c>timeout connect</c>); past it, HAProxy's
/// 503 with termination state <c>sQ</c>. For HTTP this is a step of the proxy pipeline before
/// YARP's load balancing, which then has the one server chosen and asks no policy; TCP
/// connections ask <see cref="TryAssign"/> and <see cref="WaitAsync"/> themselves.
/// </summary>
// YARP's cluster lookup depends on what the web host builds after this: it is resolved when needed.
internal sealed class ServerDispatch(ProxyConfig config, ServerWeights weights, Runtime.Stats.ProxyStats stats, IServiceProvider services)
{
    private readonly Dictionary<string, BackendQueue> _queues = config.Backends
        .Where(b => b.Balance == BalanceAlgorithm.RoundRobin)
        .ToDictionary(b => b.Name, b => new BackendQueue(b.Servers.Select(s => (s.Name, s.MaxConn))), StringComparer.Ordinal);

    private readonly Dictionary<string, BackendSettings> _backends = config.Backends.ToDictionary(b => b.Name, StringComparer.Ordinal);

    // The rotation follows YARP's available servers: each cluster's state is new after a change.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ClusterState, ClusterDestinationsState> _seen = [];

    /// <summary>The queue of a roundrobin backend; null for another algorithm.</summary>
    public BackendQueue? QueueOf(string backend) => _queues.GetValueOrDefault(backend);

    /// <summary>A server of <paramref name="backend"/> among <paramref name="candidates"/> with a
    /// slot free, its slot taken; null when none has one (or the backend is not roundrobin).</summary>
    public DestinationState? TryAssign(string backend, IReadOnlyList<DestinationState> candidates)
    {
        if (weights.RotationOf(backend) is not { } rotation || !_queues.TryGetValue(backend, out var queue))
        {
            return null;
        }
        string? name = rotation.Next((candidates, queue), static (state, server) => Offered(state.candidates, server) && state.queue.TryTake(server));
        if (name is null)
        {
            return null;
        }
        NoteServed(backend, name, queue);
        return candidates.First(d => d.DestinationId == name);
    }

    private static bool Offered(IReadOnlyList<DestinationState> candidates, string server)
    {
        for (int i = 0; i < candidates.Count; i++)
        {
            if (candidates[i].DestinationId == server)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Waits in the backend's queue for a slot of an available server, at most its
    /// <c>timeout queue</c> or until <paramref name="aborted"/>: the server, its slot taken, or
    /// null; and the session's position for <c>%bq</c>.</summary>
    public async Task<(DestinationState? Server, long Position)> WaitAsync(string backend, CancellationToken aborted)
    {
        var settings = _backends[backend];
        // A session queued is the backend's already (HAProxy's beconn, its scur and smax).
        stats.Backend(backend)?.NoteCurrent((Served(backend, null) ?? 0) + 1);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        wait.CancelAfter(settings.QueueTimeout ?? settings.ConnectTimeout);
        var (server, position) = await _queues[backend].WaitAsync(wait.Token);
        if (server is null)
        {
            return (null, position);
        }
        var destination = Cluster(backend)?.Destinations.GetValueOrDefault(server);
        if (destination is null)
        {
            Release(backend, server);
            return (null, position);
        }
        NoteServed(backend, server, _queues[backend]);
        return (destination, position);
    }

    /// <summary>Sessions a server of a roundrobin backend serves now, HTTP and TCP alike (HAProxy's
    /// served, <c>show stat</c>'s scur), or with null the backend's, those queued included
    /// (beconn); null for another algorithm.</summary>
    public int? Served(string backend, string? server) =>
        _queues.TryGetValue(backend, out var queue) ? server is null ? queue.Sessions : queue.Served(server) : null;

    // A slot taken: the counts' highest (smax) may have grown.
    private void NoteServed(string backend, string server, BackendQueue queue)
    {
        stats.Server(backend, server)?.NoteCurrent(queue.Served(server));
        stats.Backend(backend)?.NoteCurrent(Served(backend, null) ?? 0);
    }

    /// <summary>Gives a server's slot back; a server still available hands it to the oldest
    /// session waiting.</summary>
    public void Release(string backend, string server) =>
        _queues[backend].Release(server, (Dispatch: this, Backend: backend, Server: server), static s => s.Dispatch.Available(s.Backend, s.Server));

    private bool Available(string backend, string server) =>
        Cluster(backend)?.DestinationsState.AvailableDestinations.Any(d => d.DestinationId == server) == true;

    /// <summary>Tells the backend's rotation which servers are available now, and hands the
    /// free slots of those available to the sessions waiting (pendconn_grab_from_px).</summary>
    public void Sync(string backend, IReadOnlyList<DestinationState> available)
    {
        weights.Sync(backend, available);
        if (_queues.TryGetValue(backend, out var queue))
        {
            foreach (var server in available)
            {
                queue.Usable(server.DestinationId);
            }
        }
    }

    /// <summary>Sets a server's maxconn as HAProxy's server_parse_maxconn_change_request: null
    /// when done, else HAProxy's words for why not.</summary>
    public string? SetMaxConn(string backend, string server, string request)
    {
        if (ServerMaxConnChange.Parse(request, out string? error) is not { } maxConn)
        {
            return error;
        }
        if (!_queues.TryGetValue(backend, out var queue))
        {
            // HAProxy takes it on any backend; ActorProxy's other algorithms are YARP's, which would pick a full server.
            return $"ActorProxy queues requests for servers at their maxconn in balance roundrobin only; backend '{backend}' uses {_backends[backend].Balance.ToString().ToLowerInvariant()}.\n";
        }
        queue.SetMaxConn(server, maxConn, Available(backend, server));
        return null;
    }

    /// <summary>The step of the proxy pipeline before load balancing, for a request to a
    /// roundrobin backend: its server assigned, or its wait in the queue, or HAProxy's 503 when
    /// the wait is over; the server's slot is given back once the request is answered.</summary>
    public async Task AssignAsync(HttpContext context, Func<Task> next)
    {
        var proxy = context.GetReverseProxyFeature();
        string backend = BackendClusters.BackendOf(proxy.Cluster.Config.ClusterId);
        if (!_queues.TryGetValue(backend, out var queue))
        {
            await next();
            return;
        }
        var cluster = Cluster(proxy.Cluster.Config.ClusterId);
        if (cluster is not null)
        {
            SyncIfChanged(backend, cluster);
        }
        var candidates = proxy.AvailableDestinations;
        var server = TryAssign(backend, candidates);
        if (server is null && candidates.Count > 0)
        {
            var (granted, position) = await WaitAsync(backend, context.RequestAborted);
            services.GetRequiredService<FrontendPipeline>().AccessLog.LeftQueue(context, position);
            if (granted is null)
            {
                await QueueTimedOutAsync(context);
                return;
            }
            server = granted;
        }
        if (server is null)
        {
            // No server available: YARP's load balancing finds none either, and answers 503.
            await next();
            return;
        }
        proxy.AvailableDestinations = [server];
        try
        {
            await next();
        }
        finally
        {
            Release(backend, server.DestinationId);
        }
    }

    // back_handle_st_que: a client gone while queued ends it (CQ); a wait that is over gets
    // HAProxy's 503 (sQ, counted as a failed connection of the backend).
    private static async Task QueueTimedOutAsync(HttpContext context)
    {
        var logged = HttpAccessLog.Of(context);
        if (context.RequestAborted.IsCancellationRequested)
        {
            logged?.Entry.Termination = new Termination('C', 'Q');
            return;
        }
        logged?.Entry.Termination = new Termination('s', 'Q');
        await HttpExchangeMapper.WriteReplyAsync(HttpReply.ErrorPage(503), context);
    }

    private void SyncIfChanged(string backend, ClusterState cluster)
    {
        var state = cluster.DestinationsState;
        if (!_seen.TryGetValue(cluster, out var seen) || !ReferenceEquals(seen, state))
        {
            Sync(backend, state.AvailableDestinations);
            _seen.AddOrUpdate(cluster, state);
        }
    }

    /// <summary>Follows the available servers of a backend's cluster, as a TCP pick needs before
    /// <see cref="TryAssign"/>.</summary>
    public void Follow(ClusterState cluster) => SyncIfChanged(BackendClusters.BackendOf(cluster.ClusterId), cluster);

    private ClusterState? Cluster(string clusterId) =>
        (_clusters ??= services.GetRequiredService<IProxyStateLookup>()).TryGetCluster(clusterId, out var cluster) ? cluster : null;

    private IProxyStateLookup? _clusters;
}
