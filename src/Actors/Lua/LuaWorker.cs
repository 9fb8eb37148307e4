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
    private readonly Dictionary<int, GenerationState> _states = [];
    private GenerationState? _serving;

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
        Receive<RunLuaInit>(init => Sender.Tell(_states.TryGetValue(init.Generation, out var state)
            ? state.Lua.RunInit()
            : new LuaInitDone(_thread, [$"thread {_thread}: Lua generation {init.Generation} was not loaded"])));
        Receive<SwitchLuaGeneration>(Switch);
        Receive<DropLuaGeneration>(drop => Close(drop.Generation));
        Receive<LuaGenerationDrained>(drained => Close(drained.Generation));
        Receive<ResumeLuaTask>(resume => EachState(state => state.RunTaskSlice(resume)));

        // The rules of its connections, and their ends. A transaction runs on the generation of
        // its first Lua run to its end.
        Receive<RunHttpRequest>(message => Start(new FrontendRules(message.Frontend, message.Exchange, response: false), message.Completion));
        Receive<RunHttpResponse>(message => Start(new FrontendRules(message.Frontend, message.Exchange, response: true), message.Completion));
        Receive<RunTcpRequest>(message => Start(message.Rules, message.Completion));
        Receive<ContinueRuleRun>(Continue);
        Receive<EndHttpTransaction>(message =>
        {
            if (_states.TryGetValue(message.Generation, out var state) && state.Lua.IsLoaded)
            {
                state.Lua.Loaded.Http.Release(message.TransactionId);
            }
        });

        // TCP services and CLI commands registered in its state: new ones on the serving state,
        // open ones on theirs.
        Receive<StartTcpService>(start => Serving.Lua.OpenTcpService(Sender, start));
        Receive<StartLuaCli>(start => Serving.Lua.OpenCli(Sender, start));
        Receive<TcpServiceInput>(input => EachState(state => state.TcpInput(Sender, input)));
        Receive<ResumeTcpService>(resume => EachState(state => state.RunTcpSession(resume)));
        Receive<TcpServiceClosed>(message => EachState(state => state.TcpSessions.Close(Sender, message.SessionId, null)));

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

        Receive<GetLuaStateStatus>(_ => Sender.Tell(Serving.Lua.Status(_states.Values.Count(s => s.Lua.Generation.IsRetired))));
    }

    // A worker's state of one generation, and the actions its rules call through.
    private sealed record GenerationState(OwnedLuaState Lua, WorkerLuaActions Actions);

    private GenerationState Serving => _serving ?? throw new InvalidOperationException($"Lua worker {_thread} serves no Lua generation yet.");

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
        foreach (var state in _states.Values)
        {
            state.Lua.Close();
        }
    }

    // Its state of generation <number>, created and loaded on first demand.
    private LuaStateLoaded Load(int number)
    {
        if (!_states.TryGetValue(number, out var state))
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

    // New work goes to the state of that generation, whose tasks start; the one it replaces ends
    // its tasks and closes once its generation has drained.
    private void Switch(SwitchLuaGeneration message)
    {
        if (!_states.TryGetValue(message.Generation, out var next))
        {
            Sender.Tell(new Status.Failure(new InvalidOperationException($"Lua worker {_thread} has no state of generation {message.Generation}.")));
            return;
        }
        var previous = _serving;
        if (previous != next)
        {
            _serving = next;
            next.Lua.StartTasks();
            if (previous is not null)
            {
                previous.Lua.Retire();
                int number = previous.Lua.Generation.Number;
                previous.Lua.Generation.Drained.PipeTo(Self, success: () => new LuaGenerationDrained(number));
            }
        }
        Sender.Tell(new LuaGenerationSwitched(_thread, message.Generation));
    }

    // A drained or abandoned generation's state closes; the serving one never does.
    private void Close(int number)
    {
        if (_states.TryGetValue(number, out var state) && state != _serving)
        {
            _states.Remove(number);
            state.Lua.Close();
        }
    }

    private void EachState(Action<OwnedLuaState> action)
    {
        foreach (var state in _states.Values)
        {
            action(state.Lua);
        }
    }

    // A run's transaction is bound to the serving generation unless an earlier run bound it.
    private void Start(IRuleRun run, TaskCompletionSource completion) =>
        Continue(new ContinueRuleRun(run, completion, run.Exchange.BindLua(Serving.Lua.Generation).Number));

    // A run goes on until it is over or a Lua call waits; then it goes on when the wait is over.
    private void Continue(ContinueRuleRun run)
    {
        _waiting.Remove(run);
        if (!_states.TryGetValue(run.Generation, out var state))
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
