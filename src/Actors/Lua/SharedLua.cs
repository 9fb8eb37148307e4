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

    private readonly NodeBoot _boot;

    /// <summary>Creates the shared state's actor; use <see cref="Props"/>.</summary>
    public SharedLua(LuaEngine engine, GlobalSettings global, NodeBoot boot, ILoggerFactory loggers)
        : base(engine, 0, 0, global.LuaLoad, "lua-load", loggers.CreateLogger<SharedLua>())
    {
        _boot = boot;
        Receive<LocateSharedLua>(_ => Sender.Tell(new SharedLuaLocated(Self)));
    }

    /// <summary>Props for the singleton's actor.</summary>
    public static Props Props(LuaEngine engine, GlobalSettings global, NodeBoot boot, ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new SharedLua(engine, global, boot, loggers));

    /// <inheritdoc/>
    protected override void PreStart()
    {
        base.PreStart();
        if (_boot.IsOver)
        {
            // The singleton moved here: its previous host left the cluster. The state is loaded
            // again from the lua-load files every node has, as at boot; what the old one held in
            // memory is gone.
            LoadAsAtBoot("the shared state's singleton moved to this node");
        }
    }
}
