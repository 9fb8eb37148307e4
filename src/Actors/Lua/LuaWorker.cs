using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Rules;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// Worker thread N (HAProxy's thread <c>tid = N - 1</c>): owns per-thread Lua state N
/// (<c>lua-load-per-thread</c>) on its own pinned OS thread and runs there the rules of the
/// connections it owns, their Lua, and the state's tasks and TCP services. Functions of the
/// shared state are messages to the singleton; a transaction waiting for one waits as a yielding
/// action does, and the worker goes on with the others. A reload loads the next generation's
/// state beside the serving one; once switched, new transactions run on the new state and those
/// in flight finish on the old one, closed when its generation has drained.
/// </summary>
public sealed class LuaWorker : ReceiveActor, IWithTimers
{
    /// <summary>The dispatcher that gives each worker its own thread.</summary>
    public const string Dispatcher = "actorproxy.worker-dispatcher";

    private readonly LuaEngine _engine;
    private readonly int _thread;
    private readonly int _threadGroup;
    private readonly GlobalSettings _global;
    private readonly IActorRef _sharedLuaProxy;
    private readonly ILogger _logger;

    // Rule runs that wait: failed if the worker stops, so that no request hangs.
    private readonly HashSet<ContinueRuleRun> _waiting = [];

    // Its state of each generation alive, by number; new work goes to the one serving.
    private readonly LuaGenerationStates<GenerationState> _states = new(state => state.Lua);

    // The shared state's actor: the singleton's proxy until the actor itself answered.
    private IActorRef _sharedLua;

    /// <summary>Creates worker <paramref name="thread"/>; use <see cref="Props"/>.</summary>
    public LuaWorker(LuaEngine engine, int thread, int threadGroup, GlobalSettings global, IActorRef sharedLua, ILoggerFactory loggers)
    {
        _engine = engine;
        _thread = thread;
        _threadGroup = threadGroup;
        _global = global;
        _sharedLuaProxy = _sharedLua = sharedLua;
        _logger = loggers.CreateLogger<LuaWorker>();

        // Boot (seed 000) and reload: its state from its files, its init, then the switch to it.
        Receive<LoadLuaState>(load => Sender.Tell(Load(load.Generation)));
        Receive<RunLuaInit>(init => Sender.Tell(_states.Find(init.Generation) is { } state
            ? state.Lua.RunInit()
            : new LuaInitDone(_thread, [$"thread {_thread}: Lua generation {init.Generation} was not loaded"])));
        Receive<SwitchLuaGeneration>(Switch);
        Receive<DropLuaGeneration>(drop => _states.Close(drop.Generation));
        Receive<LuaGenerationDrained>(drained => _states.Close(drained.Generation));
        Receive<ResumeLuaTask>(resume => _states.ForEach(state => state.RunTaskSlice(resume)));

        // The rules of its connections, and their ends. A transaction runs on the generation of
        // its first Lua run to its end.
        Receive<RunHttpRequest>(message => Start(new FrontendRules(message.Frontend, message.Exchange, response: false), message.Completion));
        Receive<RunHttpResponse>(message => Start(new FrontendRules(message.Frontend, message.Exchange, response: true), message.Completion));
        Receive<RunTcpRequest>(message => Start(message.Rules, message.Completion));
        Receive<ContinueRuleRun>(Continue);
        Receive<EndHttpTransaction>(message =>
        {
            if (_states.Find(message.Generation) is { } state && state.Lua.IsLoaded)
            {
                state.Lua.Loaded.Http.Release(message.TransactionId);
            }
        });

        // TCP services and CLI commands registered in its state: new ones on the serving state,
        // open ones on theirs.
        Receive<StartTcpService>(start => Serving.Lua.OpenTcpService(Sender, start));
        Receive<StartLuaCli>(start => Serving.Lua.OpenCli(Sender, start));
        Receive<TcpServiceInput>(input => _states.ForEach(state => state.TcpInput(Sender, input)));
        Receive<ResumeTcpService>(resume => _states.ForEach(state => state.RunTcpSession(resume)));
        Receive<TcpServiceClosed>(message => _states.ForEach(state => state.TcpSessions.Close(Sender, message.SessionId, null)));

        // Where the shared state is: found through the proxy, watched, and looked for again when
        // the singleton moves (hand-over, node down). An earlier actor's end changes nothing.
        Receive<SharedLuaLocated>(located =>
        {
            _sharedLua = located.SharedLua;
            Context.Watch(located.SharedLua);
        });
        Receive<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Equals(_sharedLua))
            {
                UseSharedLuaProxy();
            }
        });

        Receive<GetLuaStateStatus>(_ => Sender.Tell(Serving.Lua.Status(_states.Draining)));
    }

    // A worker's state of one generation, and the actions its rules call through.
    private sealed record GenerationState(OwnedLuaState Lua, WorkerLuaActions Actions);

    private GenerationState Serving => _states.Serving ?? throw new InvalidOperationException($"Lua worker {_thread} serves no Lua generation yet.");

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for worker <paramref name="thread"/> (1-based) of group
    /// <paramref name="threadGroup"/>, on its pinned dispatcher.</summary>
    public static Props Props(LuaEngine engine, int thread, int threadGroup, GlobalSettings global, IActorRef sharedLua, ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new LuaWorker(engine, thread, threadGroup, global, sharedLua, loggers)).WithDispatcher(Dispatcher);

    /// <inheritdoc/>
    protected override void PreStart() => UseSharedLuaProxy();

    /// <inheritdoc/>
    protected override void PostStop()
    {
        foreach (var run in _waiting)
        {
            run.Completion.TrySetException(new InvalidOperationException($"Lua worker {_thread} stopped while transaction {run.Run.Exchange.Id} waited."));
        }
        _states.ForEach(state => state.Close());
    }

    // Its state of generation <number>, created and loaded on first demand.
    private LuaStateLoaded Load(int number)
    {
        if (_states.Find(number) is not { } state)
        {
            if (_engine.FindGeneration(number) is not { } generation)
            {
                return new LuaStateLoaded(_thread, [], [$"thread {_thread}: Lua generation {number} is not being loaded on this node"], [], "");
            }
            var lua = new OwnedLuaState(_engine, generation, _thread, _threadGroup, _global.LuaLoadPerThread, "lua-load-per-thread", Context, Timers, _logger);
            var actions = new WorkerLuaActions(generation.Registry, () => lua.Loaded.Http, () => _sharedLua, generation.SharedNumber, _global.Tune, Context.System);
            state = new GenerationState(lua, actions);
            _states.Add(number, state);
        }
        return state.Lua.Load();
    }

    private void Switch(SwitchLuaGeneration message) => Sender.Tell(_states.Switch(message.Generation, Self)
        ? new LuaGenerationSwitched(_thread, message.Generation)
        : new Status.Failure(new InvalidOperationException($"Lua worker {_thread} has no state of generation {message.Generation}.")));

    // A run's transaction is bound to the serving generation unless an earlier run bound it.
    private void Start(IRuleRun run, TaskCompletionSource completion) =>
        Continue(new ContinueRuleRun(run, completion, run.Exchange.BindLua(Serving.Lua.Generation).Number));

    // A run goes on until it is over or a Lua call waits; then it goes on when the wait is over.
    private void Continue(ContinueRuleRun run)
    {
        _waiting.Remove(run);
        if (_states.Find(run.Generation) is not { } state)
        {
            run.Completion.TrySetException(new InvalidOperationException($"Lua worker {_thread}: transaction {run.Run.Exchange.Id} runs on Lua generation {run.Generation}, which is closed."));
            return;
        }
        try
        {
            if (run.Run.Continue(state.Actions))
            {
                run.Completion.TrySetResult();
            }
            else
            {
                _waiting.Add(run);
                state.Lua.Scheduler.Resume(run.Run.Waiting!.Wait, run);
            }
        }
        catch (Exception e)
        {
            run.Completion.TrySetException(e);
        }
        state.Lua.LuaRan();
    }

    private void UseSharedLuaProxy()
    {
        _sharedLua = _sharedLuaProxy;
        // The proxy keeps the message until the singleton is there.
        _sharedLuaProxy.Tell(LocateSharedLua.Instance, Self);
    }
}
