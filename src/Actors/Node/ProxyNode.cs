using ActorProxy.Actors.Admin;
using ActorProxy.Actors.Lua;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Fd;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Pools;
using ActorProxy.Runtime.Tasks;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Node;

/// <summary>
/// One ActorProxy node: the Lua engine, the pinned workers, the shared-state singleton, booted
/// in the order of seed 000. A lone node is a cluster of one that joins itself.
/// </summary>
public sealed class ProxyNode : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly LuaEngine _engine;
    private bool _stopped;
    // Gives the C heap's free memory back while the node runs (NativeHeapTrimmer).
    private NativeHeapTrimmer? _trimmer;

    private ProxyNode(ActorSystem system, LuaEngine engine, ProxyConfig config, ThreadLayout layout, IReadOnlyList<IActorRef> workers, IActorRef sharedLua, IActorRef fds)
    {
        _system = system;
        _engine = engine;
        Config = config;
        Stats = new Runtime.Stats.ProxyStats(config);
        Workers = workers;
        SharedLua = sharedLua;
        FdSupervisor = fds;
        Layout = layout;
    }

    /// <summary>How the workers split into thread groups.</summary>
    public ThreadLayout Layout { get; }

    /// <summary>The owner of the fd table, which grants leases on connections.</summary>
    public IActorRef FdSupervisor { get; }

    /// <summary>The node's memory pools (<c>show pools</c>).</summary>
    public PoolRegistry Pools => _engine.Pools;

    /// <summary>The admin channel: <see cref="Actors.Admin.AdminActor"/>.</summary>
    public IActorRef Admin { get; private set; } = ActorRefs.Nobody;

    /// <summary>The servers of the running listeners, once they run; null before (and in <c>check</c>).</summary>
    public IServerStates? ServerStates { get; set; }

    /// <summary>The running listeners' live counts, once they run; null before (and in <c>check</c>).</summary>
    public Runtime.Stats.ILiveStats? LiveStats { get; set; }

    /// <summary>The global maxconn in force once the listeners are up (configured, or derived from
    /// the file descriptor limit), for <c>show info</c>; 0 before.</summary>
    public int MaxConn { get; set; }

    /// <summary>HTTP requests received so far (<c>CumReq</c>): the frontends' counts.</summary>
    public long Requests => Stats.Requests;

    /// <summary>The configuration the node runs.</summary>
    public ProxyConfig Config { get; }

    /// <summary>The counters of its frontends, backends and servers (<c>show stat</c>, the
    /// Prometheus exporter).</summary>
    public Runtime.Stats.ProxyStats Stats { get; }

    /// <summary>The actor system.</summary>
    public ActorSystem System => _system;

    /// <summary>The Lua engine: allocator, registry, states.</summary>
    public LuaEngine Engine => _engine;

    /// <summary>Worker 1..N at index 0..N-1.</summary>
    public IReadOnlyList<IActorRef> Workers { get; }

    /// <summary>The shared state's singleton, through its proxy.</summary>
    public IActorRef SharedLua { get; }

    /// <summary>The actor that runs <c>lua.</c><paramref name="name"/> of <paramref name="kind"/> for a
    /// connection of <paramref name="worker"/>: the shared state's singleton or that worker, as
    /// <see cref="LuaFunctionPlace"/> decides.</summary>
    public IActorRef LuaRunnerOf(LuaFunctionKind kind, string name, IActorRef worker) =>
        LuaFunctionPlace.InSharedState(_engine.Registry, kind, name) ? SharedLua : worker;

    /// <summary>The longest a start may take before it is abandoned.</summary>
    public static TimeSpan BootTimeout { get; } = TimeSpan.FromMinutes(2);

    /// <summary>ActorProxy's Akka defaults (reference.conf of this module).</summary>
    public static Config DefaultAkkaConfig { get; } = ConfigurationFactory.FromResource<ProxyNode>("ActorProxy.Actors.reference.conf");

    /// <summary>Starts a node in <paramref name="system"/> and boots its Lua. On failure
    /// everything started is stopped again, including the system, and the error is thrown.</summary>
    /// <param name="system">The actor system to run in; stopped on failure and by <see cref="StopAsync"/>.
    /// With Akka's cluster provider the node joins its cluster and the shared state is its singleton;
    /// with the local provider (<c>actorproxy check</c>) the node stands alone and binds no port.</param>
    /// <param name="config">What to run.</param>
    /// <param name="loggers">Where the node and its Lua states log.</param>
    /// <param name="startTasks">False to boot only, as <c>actorproxy check</c> does: Lua tasks do not start.</param>
    /// <param name="adminKeys">The keys that let admin tools of other processes run commands, each
    /// up to its level; none (the default) lets only this process's own actors in.</param>
    /// <param name="cancel">Abandons the start.</param>
    /// <exception cref="LuaBootException">The Lua boot failed; every error is listed.</exception>
    /// <exception cref="NodeStartException">The node could not join its cluster, or a boot step did not answer in time.</exception>
    public static async Task<ProxyNode> StartAsync(ActorSystem system, ProxyConfig config, ILoggerFactory loggers, bool startTasks = true, AdminKeys? adminKeys = null, CancellationToken cancel = default)
    {
        var engine = new LuaEngine(config.Global.Tune, TimeProvider.System, loggers);
        // Every Lua step is bounded by tune.lua.task-timeout; this bound is for an actor that
        // died and will never answer.
        var outer = cancel;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(BootTimeout);
        cancel = deadline.Token;
        try
        {
            foreach (var entry in config.Global.LuaPrependPath)
            {
                engine.AddPrependPath(entry);
            }
            var boot = new NodeBoot();
            IActorRef shared;
            if (((ExtendedActorSystem)system).Provider is ClusterActorRefProvider)
            {
                await JoinClusterAsync(system, cancel);
                system.ActorOf(ClusterSingletonManager.Props(
                    Lua.SharedLua.SupervisedProps(engine, config.Global, boot, loggers),
                    PoisonPill.Instance,
                    ClusterSingletonManagerSettings.Create(system)), Lua.SharedLua.ManagerName);
                shared = system.ActorOf(ClusterSingletonProxy.Props(
                    $"/user/{Lua.SharedLua.ManagerName}",
                    ClusterSingletonProxySettings.Create(system)), Lua.SharedLua.ManagerName + "-proxy");
            }
            else
            {
                // A node alone and off the network (actorproxy check): the shared state is a
                // plain actor of this process, and nothing listens.
                shared = system.ActorOf(Lua.SharedLua.SupervisedProps(engine, config.Global, boot, loggers), Lua.SharedLua.ManagerName);
            }

            var layout = new ThreadLayout(config.Global.Threads, config.Global.ThreadGroups);
            var pool = system.ActorOf(WorkerPool.Props(engine, config.Global, layout, shared, loggers), "workers");
            var workersReply = new TaskCompletionSource<IReadOnlyList<IActorRef>>(TaskCreationOptions.RunContinuationsAsynchronously);
            pool.Tell(new GetWorkers(workersReply));
            var workers = await workersReply.Task.WaitAsync(cancel);

            var fds = system.ActorOf(Fd.FdSupervisor.Props(new FdTable(config.Global.MaxSock, layout), loggers.CreateLogger<Fd.FdSupervisor>()), Fd.FdSupervisor.Name);
            var node = new ProxyNode(system, engine, config, layout, workers, shared, fds);
            node.Admin = system.ActorOf(Actors.Admin.AdminActor.Props(node, adminKeys ?? AdminKeys.None, TimeProvider.System, loggers.CreateLogger<Actors.Admin.AdminActor>()), Actors.Admin.AdminActor.Name);
            await node.BootAsync(startTasks, cancel);
            boot.Complete();
            node._trimmer = new NativeHeapTrimmer(TimeProvider.System, NativeHeapTrimmer.DefaultInterval, NativeHeap.Trim);
            return node;
        }
        catch (Exception e) when (e is AskTimeoutException || (e is OperationCanceledException && deadline.IsCancellationRequested && !outer.IsCancellationRequested))
        {
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
            await system.WhenTerminated;
            engine.Dispose();
            throw new NodeStartException($"the node did not finish booting within {BootTimeout.TotalSeconds:0} s: " +
                "a Lua state's actor did not answer (is the shared state's node reachable?)", e);
        }
        catch
        {
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
            await system.WhenTerminated;
            engine.Dispose();
            throw;
        }
    }

    /// <summary>Asks every state's actor for its status: the shared state first, then workers in order.</summary>
    public async Task<IReadOnlyList<LuaStateStatus>> GetLuaStatusAsync(CancellationToken cancel = default) =>
        await Task.WhenAll(new[] { SharedLua }.Concat(Workers).Select(actor =>
            actor.Ask<LuaStateStatus>(GetLuaStateStatus.Instance, StatusTimeout, cancel)));

    /// <summary>How long a state's actor has to answer for its status.</summary>
    public static TimeSpan StatusTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Stops the node through Akka's coordinated shutdown (leaving the cluster), then
    /// closes the Lua engine. Safe to call more than once.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        await CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        await _system.WhenTerminated;
        _trimmer?.Dispose();
        _engine.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync();

    // hlua_post_init with lua-load-per-thread (seed 000): the shared state's files, then
    // thread 1's, then threads 2..N create their states and load the same files, then every
    // state runs its init functions, then the consistency check. Errors of one step are all
    // collected before the start stops. The shared state is the cluster's singleton: on a node
    // that does not host it, its answer lists the functions it registered where it runs, which
    // this node's check and rules then know of.
    private async Task BootAsync(bool startTasks, CancellationToken cancel)
    {
        var errors = new List<string>();
        string digest = LuaFilesDigest.Of(Config.Global.LuaLoad);
        foreach (var loaded in await StepAsync<LuaStateLoaded>([SharedLua], LoadLuaState.Instance, cancel))
        {
            errors.AddRange(loaded.Errors);
            if (loaded.Digest != digest)
            {
                errors.Add($"this node's lua-load files ({string.Join(", ", Config.Global.LuaLoad.Select(f => f.Name))}, SHA-256 {digest[..12]}…) " +
                    $"differ from those the cluster's shared state loaded ({string.Join(", ", loaded.Files)}, SHA-256 {loaded.Digest[..Math.Min(12, loaded.Digest.Length)]}…): " +
                    "every node must have the same lua-load files");
                continue;
            }
            foreach (var function in loaded.Functions)
            {
                _engine.Registry.RegisterElsewhere(function.Kind, function.Name, loaded.StateId);
            }
        }
        errors.AddRange((await StepAsync<LuaStateLoaded>([Workers[0]], LoadLuaState.Instance, cancel)).SelectMany(l => l.Errors));
        errors.AddRange((await StepAsync<LuaStateLoaded>(Workers.Skip(1), LoadLuaState.Instance, cancel)).SelectMany(l => l.Errors));
        ThrowIfAny(errors);

        errors.AddRange((await StepAsync<LuaInitDone>([SharedLua], RunLuaInit.Instance, cancel)).SelectMany(i => i.Errors));
        errors.AddRange((await StepAsync<LuaInitDone>(Workers, RunLuaInit.Instance, cancel)).SelectMany(i => i.Errors));
        ThrowIfAny(errors);

        errors.AddRange(_engine.Registry.CheckConsistency(Config.Global.Threads).Select(e => e.Message));
        errors.AddRange(ConfigValidator.CheckLuaReferences(Config, _engine.Registry));
        ThrowIfAny(errors);

        _engine.CompleteBoot();
        if (!startTasks)
        {
            return;
        }
        SharedLua.Tell(StartLuaTasks.Instance);
        foreach (var worker in Workers)
        {
            worker.Tell(StartLuaTasks.Instance);
        }
    }

    // Sends one boot step to each actor at once and waits for every answer; Lua errors come in
    // the answers. A step is bounded by the boot's deadline (each Lua step by its own timeout).
    private static async Task<T[]> StepAsync<T>(IEnumerable<IActorRef> actors, object message, CancellationToken cancel) =>
        await Task.WhenAll(actors.Select(actor => actor.Ask<T>(message, BootTimeout, cancel)));

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new LuaBootException([.. errors]);
        }
    }

    // How long a node may take to join its cluster before its start fails: Akka's
    // shutdown-after-unsuccessful-join-seed-nodes when set, else 30 s.
    private static TimeSpan JoinTimeout(ActorSystem system)
    {
        var value = system.Settings.Config.GetValue("akka.cluster.shutdown-after-unsuccessful-join-seed-nodes");
        return value is null || value.GetString() is "off" or "" ? TimeSpan.FromSeconds(30) : value.GetTimeSpan();
    }

    private static async Task JoinClusterAsync(ActorSystem system, CancellationToken cancel)
    {
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        var seeds = system.Settings.Config.GetStringList("akka.cluster.seed-nodes");
        if (seeds.Count == 0)
        {
            cluster.Join(cluster.SelfAddress);
        }
        var timeout = JoinTimeout(system);
        try
        {
            await up.Task.WaitAsync(timeout, cancel);
        }
        catch (TimeoutException e)
        {
            throw new NodeStartException($"could not join the cluster through akka.cluster.seed-nodes ({string.Join(", ", seeds)}) " +
                $"within {timeout.TotalSeconds:0} s: check that a seed node runs and is reachable from {cluster.SelfAddress}", e);
        }
    }
}
