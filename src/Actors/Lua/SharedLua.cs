using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Rules;
using Akka.Actor;
using Akka.Pattern;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// The shared Lua state (<c>lua-load</c>, state 0), run as the cluster singleton: every call
/// into it is a message from a worker of any node, so its mailbox serialises them as HAProxy's
/// global Lua lock does. It answers each call to its sender, publishes its function table in
/// its boot answer, runs the TCP services and CLI commands it registered as message streams, and
/// runs its tasks. A reload of a lone node loads the next generation's state beside the serving
/// one; calls go to the generation their transaction runs on, and the old state closes once its
/// generation has drained.
/// </summary>
public sealed class SharedLua : ReceiveActor, IWithTimers
{
    /// <summary>The singleton manager's name under /user.</summary>
    public const string ManagerName = "shared-lua";

    private readonly LuaEngine _engine;
    private readonly GlobalSettings _global;
    private readonly NodeBoot _boot;
    private readonly ILogger _logger;

    // Its state of each shared generation alive, by number; new work goes to the one serving.
    private readonly LuaGenerationStates<OwnedLuaState> _states = new(state => state);

    /// <summary>Creates the shared state's actor; use <see cref="SupervisedProps"/>.</summary>
    public SharedLua(LuaEngine engine, GlobalSettings global, NodeBoot boot, ILoggerFactory loggers)
    {
        _engine = engine;
        _global = global;
        _boot = boot;
        _logger = loggers.CreateLogger<SharedLua>();

        // Boot: the first node's boot loads it; the others' get its function table and digest.
        // A reload loads the next generation beside it, then switches to it.
        Receive<LoadLuaState>(load => Sender.Tell(Load(load.Generation)));
        Receive<RunLuaInit>(init => Sender.Tell((_states.Find(init.Generation) ?? Serving).RunInit()));
        // Every node's boot switches it to generation 1, a lone node's reload to the next one; it
        // answers with the generation it serves.
        Receive<SwitchLuaGeneration>(switchTo =>
        {
            _states.Switch(switchTo.Generation, Self);
            Sender.Tell(new LuaGenerationSwitched(0, _states.ServingNumber));
        });
        Receive<DropLuaGeneration>(drop => _states.Close(drop.Generation));
        Receive<LuaGenerationDrained>(drained => _states.Close(drained.Generation));
        Receive<ResumeLuaTask>(resume => _states.ForEach(state => state.RunTaskSlice(resume)));

        // Calls from the workers of every node, answered to the sender.
        Receive<LocateSharedLua>(_ => Sender.Tell(new SharedLuaLocated(Self)));
        Receive<CallSharedLua>(Call);
        Receive<ResumeSharedCall>(Continue);

        // TCP services and CLI commands registered here, streamed to a relay in the caller's node.
        Receive<StartTcpService>(start => Serving.OpenTcpService(Sender, start));
        Receive<StartLuaCli>(start => Serving.OpenCli(Sender, start));
        Receive<TcpServiceInput>(input => _states.ForEach(state => state.TcpInput(Sender, input)));
        Receive<ResumeTcpService>(resume => _states.ForEach(state => state.RunTcpSession(resume)));
        Receive<TcpServiceClosed>(message => _states.ForEach(state => state.TcpSessions.Close(Sender, message.SessionId, null)));

        Receive<GetLuaStateStatus>(_ => Sender.Tell(Serving.Status(_states.Draining)));
    }

    private OwnedLuaState Serving => _states.Serving ?? throw new InvalidOperationException("The shared Lua state serves no Lua generation yet.");

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// The singleton's props: the shared state under a backoff supervisor. A handler that throws
    /// (an ActorProxy bug; a Lua error never throws) stops it, and it starts again after a short,
    /// growing delay, loaded from its files with its init run, as after a failover; messages in
    /// the gap go to dead letters, and their callers' timeouts answer them.
    /// </summary>
    public static Props SupervisedProps(LuaEngine engine, GlobalSettings global, NodeBoot boot, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<SharedLua>();
        var state = Akka.Actor.Props.Create(() => new SharedLua(engine, global, boot, loggers));
        return BackoffSupervisor.Props(Backoff.OnFailure(state, "state", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), 0.2, maxNrOfRetries: -1)
            .WithSupervisorStrategy(new OneForOneStrategy(failure =>
            {
                logger.LogError(failure, "The shared Lua state failed; it starts again from its lua-load files");
                return Directive.Restart;
            })));
    }

    /// <inheritdoc/>
    protected override void PreStart()
    {
        if (_boot.IsOver)
        {
            // Started after this node's boot: the singleton moved here (its previous host left the
            // cluster) or started again after a failure. No boot will load it: it loads itself
            // from the lua-load files every node has, into the generation serving here; what the
            // old one held in memory is gone.
            var generation = _engine.CurrentGeneration;
            var state = NewState(generation);
            _states.Add(generation.SharedNumber, state);
            state.LoadAsAtBoot("the shared state started after this node's boot");
            _states.Switch(generation.SharedNumber, Self);
        }
    }

    /// <inheritdoc/>
    protected override void PostStop() => _states.ForEach(state => state.Close());

    private OwnedLuaState NewState(LuaGeneration generation) =>
        new(_engine, generation, 0, 0, _global.LuaLoad, "lua-load", Context, Timers, _logger);

    // Its state of shared generation <number>: loaded on first demand when this node loads that
    // generation; otherwise (a node that boots into a cluster whose shared state was reloaded
    // since) the serving one answers with its function table.
    private LuaStateLoaded Load(int number)
    {
        if (_states.Find(number) is not { } state)
        {
            if (_engine.FindGeneration(number) is not { } generation || generation.SharedNumber != number)
            {
                return Serving.Load();
            }
            state = NewState(generation);
            _states.Add(number, state);
        }
        return state.Load();
    }

    // Runs a function of this state for a worker on a copy of its transaction, and answers with
    // the copy as Lua left it.
    private void Call(CallSharedLua call)
    {
        var state = _states.Find(call.Generation) ?? Serving;
        var http = state.Loaded.Http;
        var exchange = call.Exchange.ToExchange();
        exchange.ServiceStream = call.ServiceStream is { } relay ? new RelayedServiceStream(relay) : null;
        IWaitingCall? waiting = null;
        switch (call.Kind)
        {
            case var kind when kind.IsAction():
                waiting = http.RunAction(kind, call.Name, exchange, call.Arguments);
                break;
            case LuaFunctionKind.Service:
                waiting = http.RunService(call.Name, exchange);
                break;
            case LuaFunctionKind.SampleFetch:
                Answer(state, exchange, Sender, http.Fetch(call.Name, exchange, call.Arguments));
                break;
            default:
                Answer(state, exchange, Sender, call.Input is null ? null : http.Convert(call.Name, exchange, call.Input, call.Arguments));
                break;
        }
        if (waiting is not null)
        {
            state.Scheduler.Resume(waiting.Wait, new ResumeSharedCall(call, state, waiting, exchange, Sender));
        }
        else if (call.Kind.IsAction() || call.Kind == LuaFunctionKind.Service)
        {
            Answer(state, exchange, Sender, null);
        }
        state.LuaRan();
    }

    // An action or service that yielded runs on; it answers once over.
    private void Continue(ResumeSharedCall resume)
    {
        if (resume.Waiting.Resume())
        {
            Answer(resume.State, resume.Exchange, resume.ReplyTo, null);
        }
        else
        {
            resume.State.Scheduler.Resume(resume.Waiting.Wait, resume);
        }
        resume.State.LuaRan();
    }

    // A private value set here lives for this call only: the transaction's end is the worker's.
    private static void Answer(OwnedLuaState state, HttpExchange exchange, IActorRef replyTo, object? sample)
    {
        state.Loaded.Http.Release(exchange.Id);
        replyTo.Tell(new SharedLuaResult(HttpExchangeSnapshot.Of(exchange), sample, exchange.Reply is { } reply ? HttpReplySnapshot.Of(reply) : null));
    }
}
