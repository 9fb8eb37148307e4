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
/// runs its tasks.
/// </summary>
public sealed class SharedLua : ReceiveActor, IWithTimers
{
    /// <summary>The singleton manager's name under /user.</summary>
    public const string ManagerName = "shared-lua";

    private readonly LuaEngine _engine;
    private readonly GlobalSettings _global;
    private readonly NodeBoot _boot;
    private readonly ILogger _logger;
    private OwnedLuaState _state = null!;

    /// <summary>Creates the shared state's actor; use <see cref="SupervisedProps"/>.</summary>
    public SharedLua(LuaEngine engine, GlobalSettings global, NodeBoot boot, ILoggerFactory loggers)
    {
        _engine = engine;
        _global = global;
        _boot = boot;
        _logger = loggers.CreateLogger<SharedLua>();

        // Boot: the first node's boot loads it; the others' get its function table and digest.
        Receive<LoadLuaState>(_ => Sender.Tell(_state.Load()));
        Receive<RunLuaInit>(_ => Sender.Tell(_state.RunInit()));
        Receive<StartLuaTasks>(_ => _state.StartTasks());
        Receive<ResumeLuaTask>(resume => _state.RunTaskSlice(resume));

        // Calls from the workers of every node, answered to the sender.
        Receive<LocateSharedLua>(_ => Sender.Tell(new SharedLuaLocated(Self)));
        Receive<CallSharedLua>(Call);
        Receive<ResumeSharedCall>(Continue);

        // TCP services and CLI commands registered here, streamed to a relay in the caller's node.
        Receive<StartTcpService>(start => _state.OpenTcpService(Sender, start));
        Receive<StartLuaCli>(start => _state.OpenCli(Sender, start));
        Receive<TcpServiceInput>(input => _state.TcpInput(Sender, input));
        Receive<ResumeTcpService>(resume => _state.RunTcpSession(resume));
        Receive<TcpServiceClosed>(message => _state.TcpSessions.Close(Sender, message.SessionId, null));

        Receive<GetLuaStateStatus>(_ => Sender.Tell(_state.Status()));
    }

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
        _state = new OwnedLuaState(_engine, 0, 0, _global.LuaLoad, "lua-load", Context, Timers, _logger);
        if (_boot.IsOver)
        {
            // Started after this node's boot: the singleton moved here (its previous host left the
            // cluster) or started again after a failure. No boot will load it: it loads itself
            // from the lua-load files every node has; what the old one held in memory is gone.
            _state.LoadAsAtBoot("the shared state started after this node's boot");
        }
    }

    /// <inheritdoc/>
    protected override void PostStop() => _state.Close();

    // Runs a function of this state for a worker on a copy of its transaction, and answers with
    // the copy as Lua left it.
    private void Call(CallSharedLua call)
    {
        var http = _state.Loaded.Http;
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
                Answer(exchange, Sender, http.Fetch(call.Name, exchange, call.Arguments));
                break;
            default:
                Answer(exchange, Sender, call.Input is null ? null : http.Convert(call.Name, exchange, call.Input, call.Arguments));
                break;
        }
        if (waiting is not null)
        {
            _state.Scheduler.Resume(waiting.Wait, new ResumeSharedCall(call, waiting, exchange, Sender));
        }
        else if (call.Kind.IsAction() || call.Kind == LuaFunctionKind.Service)
        {
            Answer(exchange, Sender, null);
        }
        _state.LuaRan();
    }

    // An action or service that yielded runs on; it answers once over.
    private void Continue(ResumeSharedCall resume)
    {
        if (resume.Waiting.Resume())
        {
            Answer(resume.Exchange, resume.ReplyTo, null);
        }
        else
        {
            _state.Scheduler.Resume(resume.Waiting.Wait, resume);
        }
        _state.LuaRan();
    }

    // A private value set here lives for this call only: the transaction's end is the worker's.
    private void Answer(HttpExchange exchange, IActorRef replyTo, object? sample)
    {
        _state.Loaded.Http.Release(exchange.Id);
        replyTo.Tell(new SharedLuaResult(HttpExchangeSnapshot.Of(exchange), sample, exchange.Reply is { } reply ? HttpReplySnapshot.Of(reply) : null));
    }
}
