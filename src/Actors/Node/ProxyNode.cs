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
    private readonly ILogger _log;
    // One reload at a time.
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private bool _stopped;
    // Gives the C heap's free memory back while the node runs (NativeHeapTrimmer).
    private NativeHeapTrimmer? _trimmer;
    private readonly Runtime.Stats.ProxyDirectory _proxies;

    private ProxyNode(ActorSystem system, LuaEngine engine, ProxyConfig config, Runtime.Stats.ProxyDirectory proxies, ThreadLayout layout, IReadOnlyList<IActorRef> workers,
        IActorRef sharedLua, IActorRef fds, ILogger log)
    {
        _system = system;
        _engine = engine;
        _log = log;
        Config = config;
        Stats = proxies.Stats;
        _proxies = proxies;
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
    public IServerStates? ServerStates
    {
        get => _proxies.Servers;
        set => _proxies.Servers = value;
    }

    /// <summary>The frontends' listeners, once they run; null before (and in <c>check</c>).</summary>
    public IFrontendListeners? FrontendListeners
    {
        get => _proxies.Listeners;
        set => _proxies.Listeners = value;
    }

    /// <summary>The running listeners' live counts, once they run; null before (and in <c>check</c>).</summary>
    public Runtime.Stats.ILiveStats? LiveStats
    {
        get => _proxies.Live;
        set => _proxies.Live = value;
    }

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
        // Lua scripts see the proxies (core.proxies) from their first state on.
        var proxies = new Runtime.Stats.ProxyDirectory(config, new Runtime.Stats.ProxyStats(config));
        var engine = new LuaEngine(config.Global.Tune, TimeProvider.System, loggers) { Maps = config.Maps, Proxies = proxies, BufferSize = config.Global.Http.BufSize };
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
                StartMapReplication(system, config.Maps, loggers);
                if (config.StickTables.All.Count > 0)
                {
                    system.ActorOf(Stick.StickTableReplicator.Props(config.StickTables.All, loggers.CreateLogger<Stick.StickTableReplicator>()), Stick.StickTableReplicator.Name);
                }
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
            var node = new ProxyNode(system, engine, config, proxies, layout, workers, shared, fds, loggers.CreateLogger<ProxyNode>());
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

    // The maps and ACL files of every node change in one order: a replicator per node, and the
    // sequencer, a singleton on the oldest.
    private static void StartMapReplication(ActorSystem system, Runtime.Samples.MapReferences maps, ILoggerFactory loggers)
    {
        string self = Cluster.Get(system).SelfUniqueAddress.Uid.ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        var sequencer = system.ActorOf(ClusterSingletonProxy.Props(
            $"/user/{Maps.MapSequencer.ManagerName}",
            ClusterSingletonProxySettings.Create(system)), Maps.MapSequencer.ManagerName + "-proxy");
        var replicator = system.ActorOf(Maps.MapReplicator.Props(maps, sequencer, self, loggers.CreateLogger<Maps.MapReplicator>()), Maps.MapReplicator.Name);
        system.ActorOf(ClusterSingletonManager.Props(
            Maps.MapSequencer.Props(replicator),
            PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system)), Maps.MapSequencer.ManagerName);
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

    // hlua_post_init with lua-load-per-thread (seed 000), for generation 1.
    private async Task BootAsync(bool startTasks, CancellationToken cancel)
    {
        var generation = _engine.CurrentGeneration;
        ThrowIfAny(await LoadGenerationAsync(generation, withSharedState: true, cancel));
        _engine.CompleteBoot();
        if (startTasks)
        {
            await SwitchAsync(generation, withSharedState: true, cancel);
        }
    }

    // The steps of seed 000, at boot and at each reload alike: the shared state's files, then
    // thread 1's, then threads 2..N create their states and load the same files, then every
    // state runs its init functions, then the consistency check and the configuration's Lua
    // references. The errors of one step are all collected before the load stops. The shared
    // state is the cluster's singleton: on a node that does not host it, its answer lists the
    // functions it registered where it runs, which this node's check and rules then know of.
    // A reload that keeps the shared state knows its functions from the generation serving.
    private async Task<List<string>> LoadGenerationAsync(LuaGeneration generation, bool withSharedState, CancellationToken cancel)
    {
        var errors = new List<string>();
        int number = generation.Number;
        string digest = LuaFilesDigest.Of(Config.Global.LuaLoad);
        foreach (var loaded in await StepAsync<LuaStateLoaded>([SharedLua], new LoadLuaState(generation.SharedNumber), cancel))
        {
            errors.AddRange(withSharedState ? loaded.Errors : []);
            if (loaded.Digest != digest)
            {
                errors.Add($"this node's lua-load files ({string.Join(", ", Config.Global.LuaLoad.Select(f => f.Name))}, SHA-256 {digest[..12]}…) " +
                    $"differ from those the cluster's shared state loaded ({string.Join(", ", loaded.Files)}, SHA-256 {loaded.Digest[..Math.Min(12, loaded.Digest.Length)]}…): " +
                    (withSharedState ? "every node must have the same lua-load files"
                        : "the shared state serves every node of the cluster, and a reload of one node keeps it: restore the lua-load files, or change them on every node and restart the cluster"));
                continue;
            }
            foreach (var function in loaded.Functions)
            {
                generation.Registry.RegisterElsewhere(function.Kind, function.Name, loaded.StateId);
            }
        }
        errors.AddRange((await StepAsync<LuaStateLoaded>([Workers[0]], new LoadLuaState(number), cancel)).SelectMany(l => l.Errors));
        errors.AddRange((await StepAsync<LuaStateLoaded>(Workers.Skip(1), new LoadLuaState(number), cancel)).SelectMany(l => l.Errors));
        if (errors.Count > 0)
        {
            return errors;
        }

        if (withSharedState)
        {
            errors.AddRange((await StepAsync<LuaInitDone>([SharedLua], new RunLuaInit(number), cancel)).SelectMany(i => i.Errors));
        }
        errors.AddRange((await StepAsync<LuaInitDone>(Workers, new RunLuaInit(number), cancel)).SelectMany(i => i.Errors));
        if (errors.Count > 0)
        {
            return errors;
        }

        errors.AddRange(generation.Registry.CheckConsistency(Config.Global.Threads).Select(e => e.Message));
        errors.AddRange(ConfigValidator.CheckLuaReferences(Config, generation.Registry));
        return errors;
    }

    // New work goes to the generation's states: every actor switches, then the engine.
    private async Task SwitchAsync(LuaGeneration generation, bool withSharedState, CancellationToken cancel)
    {
        var message = new SwitchLuaGeneration(generation.Number);
        if (withSharedState)
        {
            await StepAsync<LuaGenerationSwitched>([SharedLua], new SwitchLuaGeneration(generation.SharedNumber), cancel);
        }
        await StepAsync<LuaGenerationSwitched>(Workers, message, cancel);
        if (generation != _engine.CurrentGeneration)
        {
            _engine.SwitchTo(generation);
        }
    }

    /// <summary>
    /// Reloads the node's Lua without stopping it (<c>actorproxy admin reload</c>, SIGHUP): every
    /// state is loaded again from the configured files into a new generation beside the one
    /// serving, with the same steps and the same check as a start; when all passes, new
    /// transactions, TCP services and CLI commands run on the new states, while those in flight
    /// finish on the old ones, which end their tasks at once and are closed when the last of
    /// them is over. A file that fails, an init function that fails or a failed check leaves the
    /// old generation serving, and the errors are in the answer. The shared state is reloaded
    /// with the others on a node alone in its cluster; in a cluster of several nodes it serves
    /// every node, so it is kept, and its files must not have changed.
    /// </summary>
    /// <param name="cancel">Abandons the reload; the old generation goes on serving.</param>
    public async Task<LuaReloadOutcome> ReloadLuaAsync(CancellationToken cancel = default)
    {
        if (!await _reloading.WaitAsync(0, cancel))
        {
            return LuaReloadOutcome.Failed(_engine.CurrentGeneration.Number, ["a reload is already running; try again when it is over"]);
        }
        try
        {
            var serving = _engine.CurrentGeneration;
            int members = ((ExtendedActorSystem)_system).Provider is ClusterActorRefProvider
                ? Cluster.Get(_system).State.Members.Count(m => m.Status == MemberStatus.Up)
                : 1;
            bool withSharedState = members <= 1;
            var generation = _engine.BeginGeneration(withSharedState);
            _log.LogInformation("Lua reload: loading generation {Generation} beside generation {Serving} ({States})", generation.Number, serving.Number,
                withSharedState ? $"the shared state and {Workers.Count} thread state(s)" : $"{Workers.Count} thread state(s); the shared state serves {members} nodes and is kept");
            List<string> errors;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel))
            {
                deadline.CancelAfter(BootTimeout);
                try
                {
                    errors = await LoadGenerationAsync(generation, withSharedState, deadline.Token);
                    if (errors.Count == 0)
                    {
                        _log.LogInformation("Lua reload: generation {Generation} loaded and checked; switching new work to it", generation.Number);
                        await SwitchAsync(generation, withSharedState, deadline.Token);
                    }
                }
                catch (Exception e) when (e is AskTimeoutException or OperationCanceledException)
                {
                    errors = [$"a Lua state's actor did not answer within {BootTimeout.TotalSeconds:0} s"];
                }
            }
            if (errors.Count > 0)
            {
                Drop(generation, withSharedState);
                foreach (var error in errors)
                {
                    _log.LogError("Lua reload: {Error}", error);
                }
                _log.LogWarning("Lua reload failed; generation {Serving} goes on serving", serving.Number);
                return LuaReloadOutcome.Failed(serving.Number, errors);
            }
            int inFlight = serving.Leases;
            _log.LogInformation("Lua reload: generation {Generation} serves new work; generation {Serving} drains ({InFlight} in flight)",
                generation.Number, serving.Number, inFlight);
            _ = serving.Drained.ContinueWith(_ =>
            {
                _engine.EndGeneration(serving);
                _log.LogInformation("Lua reload: generation {Serving} drained; its states close", serving.Number);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return new LuaReloadOutcome(true, generation.Number, serving.Number, withSharedState, inFlight, []);
        }
        finally
        {
            _reloading.Release();
        }
    }

    // A generation that failed to load: its states close, the serving ones go on.
    private void Drop(LuaGeneration generation, bool withSharedState)
    {
        var drop = new DropLuaGeneration(generation.Number);
        if (withSharedState)
        {
            SharedLua.Tell(new DropLuaGeneration(generation.SharedNumber));
        }
        foreach (var worker in Workers)
        {
            worker.Tell(drop);
        }
        _engine.EndGeneration(generation);
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
