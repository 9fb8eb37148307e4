using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Tasks;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Lua;

/// <summary>Asks a <see cref="WorkerPool"/> for its workers, by thread number.</summary>
/// <param name="Completion">Completed with worker 1..N at index 0..N-1.</param>
public sealed record GetWorkers(TaskCompletionSource<IReadOnlyList<IActorRef>> Completion);

/// <summary>
/// Parent of the <see cref="LuaWorker"/>s. A worker that throws is resumed, not restarted: its
/// Lua state and tasks live on (a Lua error never throws; only a bug in ActorProxy does).
/// </summary>
public sealed class WorkerPool : ReceiveActor
{
    private readonly IActorRef[] _workers;
    private readonly ILogger _logger;

    /// <summary>Creates the pool and its workers; use <see cref="Props"/>.</summary>
    public WorkerPool(LuaEngine engine, GlobalSettings global, ThreadLayout layout, IActorRef sharedLua, ILoggerFactory loggers)
    {
        _logger = loggers.CreateLogger<WorkerPool>();
        _workers = new IActorRef[global.Threads];
        for (int thread = 1; thread <= global.Threads; thread++)
        {
            _workers[thread - 1] = Context.ActorOf(LuaWorker.Props(engine, thread, layout.GroupOf(thread), global, sharedLua, loggers), $"worker-{thread}");
        }
        Receive<GetWorkers>(message => message.Completion.TrySetResult(_workers));
    }

    /// <summary>Props for the pool.</summary>
    public static Props Props(LuaEngine engine, GlobalSettings global, ThreadLayout layout, IActorRef sharedLua, ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new WorkerPool(engine, global, layout, sharedLua, loggers));

    /// <inheritdoc/>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(failure =>
    {
        _logger.LogError(failure, "A Lua worker failed; it goes on with its state");
        return Directive.Resume;
    });
}
