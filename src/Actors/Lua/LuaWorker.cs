using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Rules;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// Worker thread N (HAProxy's thread <c>tid = N - 1</c>): owns per-thread Lua state N
/// (<c>lua-load-per-thread</c>) on its own pinned OS thread, and runs that state's tasks there.
/// </summary>
public sealed class LuaWorker : LuaStateActor
{
    /// <summary>The dispatcher that gives each worker its own thread.</summary>
    public const string Dispatcher = "actorproxy.worker-dispatcher";

    /// <summary>Creates worker <paramref name="thread"/>; use <see cref="Props"/>.</summary>
    public LuaWorker(LuaEngine engine, int thread, int threadGroup, GlobalSettings global, IActorRef sharedLua, ILoggerFactory loggers)
        : base(engine, thread, threadGroup, global.LuaLoadPerThread, "lua-load-per-thread", loggers.CreateLogger<LuaWorker>())
    {
        _sharedLuaProxy = sharedLua;
        _sharedLua = sharedLua;
        _tune = global.Tune;
        Receive<SharedLuaLocated>(located =>
        {
            _sharedLua = located.SharedLua;
            Context.Watch(located.SharedLua);
        });
        // The singleton moved (handover, node down): through the proxy until it is found again.
        // Only the shared state's actor is watched; an earlier one's end changes nothing.
        Receive<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Equals(_sharedLua))
            {
                UseSharedLuaProxy();
            }
        });
    }

    private readonly IActorRef _sharedLuaProxy;
    private readonly LuaTune _tune;

    // The shared state's actor: the singleton's proxy until the actor itself answered.
    private IActorRef _sharedLua;
    private WorkerLuaActions? _actions;

    /// <inheritdoc/>
    protected override ILuaActions LuaActions => _actions ??= new WorkerLuaActions(Loaded.Http, () => _sharedLua, _tune);

    /// <inheritdoc/>
    protected override void PreStart()
    {
        base.PreStart();
        UseSharedLuaProxy();
    }

    private void UseSharedLuaProxy()
    {
        _sharedLua = _sharedLuaProxy;
        // The proxy keeps the message until the singleton is there.
        _sharedLuaProxy.Tell(LocateSharedLua.Instance, Self);
    }

    /// <summary>Props for worker <paramref name="thread"/> (1-based) of group
    /// <paramref name="threadGroup"/>, on its pinned dispatcher.</summary>
    public static Props Props(LuaEngine engine, int thread, int threadGroup, GlobalSettings global, IActorRef sharedLua, ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new LuaWorker(engine, thread, threadGroup, global, sharedLua, loggers)).WithDispatcher(Dispatcher);
}
