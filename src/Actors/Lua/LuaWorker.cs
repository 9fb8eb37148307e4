using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
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
    public LuaWorker(LuaEngine engine, int thread, int threadGroup, GlobalSettings global, ILoggerFactory loggers)
        : base(engine, thread, threadGroup, global.LuaLoadPerThread, "lua-load-per-thread", loggers.CreateLogger<LuaWorker>())
    {
    }

    /// <summary>Props for worker <paramref name="thread"/> (1-based) of group
    /// <paramref name="threadGroup"/>, on its pinned dispatcher.</summary>
    public static Props Props(LuaEngine engine, int thread, int threadGroup, GlobalSettings global, ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new LuaWorker(engine, thread, threadGroup, global, loggers)).WithDispatcher(Dispatcher);
}
