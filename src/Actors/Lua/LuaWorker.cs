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
/// action does, and the worker goes on with the others.
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
    private OwnedLuaState _state = null!;
    private WorkerLuaActions _actions = null!;

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

        // Boot (seed 000): its state from its files, its init, then its tasks.
        Receive<LoadLuaState>(_ => Sender.Tell(_state.Load()));
        Receive<RunLuaInit>(_ => Sender.Tell(_state.RunInit()));
        Receive<StartLuaTasks>(_ => _state.StartTasks());
        Receive<ResumeLuaTask>(resume => _state.RunTaskSlice(resume));

        // The rules of its connections, and their ends.
        Receive<RunHttpRequest>(message => Continue(new ContinueRuleRun(new FrontendRules(message.Frontend, message.Exchange, response: false), message.Completion)));
        Receive<RunHttpResponse>(message => Continue(new ContinueRuleRun(new FrontendRules(message.Frontend, message.Exchange, response: true), message.Completion)));
        Receive<RunTcpRequest>(message => Continue(new ContinueRuleRun(message.Rules, message.Completion)));
        Receive<ContinueRuleRun>(Continue);
        Receive<EndHttpTransaction>(message =>
        {
            if (_state.IsLoaded)
            {
                _state.Loaded.Http.Release(message.TransactionId);
            }
        });

        // TCP services and CLI commands registered in its state.
        Receive<StartTcpService>(start => _state.OpenTcpService(Sender, start));
        Receive<StartLuaCli>(start => _state.OpenCli(Sender, start));
        Receive<TcpServiceInput>(input => _state.TcpInput(Sender, input));
        Receive<ResumeTcpService>(resume => _state.RunTcpSession(resume));
        Receive<TcpServiceClosed>(message => _state.TcpSessions.Close(Sender, message.SessionId, null));

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

        Receive<GetLuaStateStatus>(_ => Sender.Tell(_state.Status()));
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for worker <paramref name="thread"/> (1-based) of group
    /// <paramref name="threadGroup"/>, on its pinned dispatcher.</summary>
    public static Props Props(LuaEngine engine, int thread, int threadGroup, GlobalSettings global, IActorRef sharedLua, ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new LuaWorker(engine, thread, threadGroup, global, sharedLua, loggers)).WithDispatcher(Dispatcher);

    /// <inheritdoc/>
    protected override void PreStart()
    {
        _state = new OwnedLuaState(_engine, _thread, _threadGroup, _global.LuaLoadPerThread, "lua-load-per-thread", Context, Timers, _logger);
        _actions = new WorkerLuaActions(_engine.Registry, () => _state.Loaded.Http, () => _sharedLua, _global.Tune, Context.System);
        UseSharedLuaProxy();
    }

    /// <inheritdoc/>
    protected override void PostStop()
    {
        foreach (var run in _waiting)
        {
            run.Completion.TrySetException(new InvalidOperationException($"Lua worker {_thread} stopped while transaction {run.Run.Exchange.Id} waited."));
        }
        _state.Close();
    }

    // A run goes on until it is over or a Lua call waits; then it goes on when the wait is over.
    private void Continue(ContinueRuleRun run)
    {
        _waiting.Remove(run);
        try
        {
            if (run.Run.Continue(_actions))
            {
                run.Completion.TrySetResult();
            }
            else
            {
                _waiting.Add(run);
                _state.Scheduler.Resume(run.Run.Waiting!.Wait, run);
            }
        }
        catch (Exception e)
        {
            run.Completion.TrySetException(e);
        }
        _state.LuaRan();
    }

    private void UseSharedLuaProxy()
    {
        _sharedLua = _sharedLuaProxy;
        // The proxy keeps the message until the singleton is there.
        _sharedLuaProxy.Tell(LocateSharedLua.Instance, Self);
    }
}
