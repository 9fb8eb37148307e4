using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// The shared Lua state (<c>lua-load</c>, state 0), run as the cluster singleton: every call
/// into it is a message, so its mailbox serialises them as HAProxy's global Lua lock does.
/// Tasks it registers run here.
/// </summary>
public sealed class SharedLua : LuaStateActor
{
    /// <summary>The singleton manager's name under /user.</summary>
    public const string ManagerName = "shared-lua";

    /// <summary>Creates the shared state's actor; use <see cref="Props"/>.</summary>
    public SharedLua(LuaEngine engine, GlobalSettings global, ILoggerFactory loggers)
        : base(engine, 0, 0, global.LuaLoad, "lua-load", loggers.CreateLogger<SharedLua>())
    {
        Receive<LocateSharedLua>(_ => Sender.Tell(new SharedLuaLocated(Self)));
    }

    /// <summary>Props for the singleton's actor.</summary>
    public static Props Props(LuaEngine engine, GlobalSettings global, ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new SharedLua(engine, global, loggers));
}
