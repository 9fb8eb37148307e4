using ActorProxy.Actors.Serialization;
using ActorProxy.Runtime.Lua;

namespace ActorProxy.Actors.Lua;

/// <summary>Boot or reload step 1: create the actor's Lua state of <paramref name="Generation"/>
/// beside any it has and run its configured files; answered with <see cref="LuaStateLoaded"/>. A
/// state already loaded (the shared state, which another node of the cluster booted first)
/// answers at once. Plain data: it may cross nodes.</summary>
/// <param name="Generation">1 at boot, then one more per reload (<see cref="Runtime.Lua.LuaGeneration"/>).</param>
public sealed record LoadLuaState(int Generation) : IClusterMessage;

/// <summary>A function a state registered by name, as plain data.</summary>
/// <param name="Kind">Its kind.</param>
/// <param name="Name">Its name, without <c>lua.</c>.</param>
public sealed record LuaFunctionName(LuaFunctionKind Kind, string Name);

/// <summary>The answer to <see cref="LoadLuaState"/>: the functions the state registered, or
/// the Lua errors that stopped its files, and the digest of the files it loaded.</summary>
/// <param name="StateId">The state.</param>
/// <param name="Functions">What it registered, by kind and name.</param>
/// <param name="Errors">The Lua errors; empty when it loaded.</param>
/// <param name="Files">The names of its files, in order.</param>
/// <param name="Digest">The SHA-256 of its files, in hex.</param>
public sealed record LuaStateLoaded(int StateId, LuaFunctionName[] Functions, string[] Errors, string[] Files, string Digest) : IClusterMessage;

/// <summary>Boot or reload step 2: run the <c>core.register_init</c> functions of the state of
/// <paramref name="Generation"/>, once; answered with <see cref="LuaInitDone"/>.</summary>
/// <param name="Generation">The generation loaded by step 1.</param>
public sealed record RunLuaInit(int Generation) : IClusterMessage;

/// <summary>The answer to <see cref="RunLuaInit"/>.</summary>
/// <param name="StateId">The state.</param>
/// <param name="Errors">The Lua errors of its init functions; empty when they ran.</param>
public sealed record LuaInitDone(int StateId, string[] Errors) : IClusterMessage;

/// <summary>The last step, once every state of <paramref name="Generation"/> passed the check:
/// new work runs on that state, its tasks start, and the state it replaces (after a reload) ends
/// its tasks and is closed once the work it holds is over. Answered with
/// <see cref="LuaGenerationSwitched"/>; a state already on that generation answers at once.</summary>
/// <param name="Generation">The generation to serve.</param>
public sealed record SwitchLuaGeneration(int Generation) : IClusterMessage;

/// <summary>The answer to <see cref="SwitchLuaGeneration"/>.</summary>
/// <param name="StateId">The state.</param>
/// <param name="Generation">The generation it serves now.</param>
public sealed record LuaGenerationSwitched(int StateId, int Generation) : IClusterMessage;

/// <summary>A reload failed: the state of <paramref name="Generation"/>, loaded beside the one
/// serving, is closed, and the one serving goes on.</summary>
/// <param name="Generation">The generation given up.</param>
public sealed record DropLuaGeneration(int Generation) : IClusterMessage;

/// <summary>A retired generation holds no more work: its state closes. Sent by the owning actor
/// to itself.</summary>
/// <param name="Generation">The generation drained.</param>
internal sealed record LuaGenerationDrained(int Generation);

/// <summary>Asks for a <see cref="LuaStateStatus"/>, answered to the sender.</summary>
public sealed record GetLuaStateStatus : IClusterMessage
{
    /// <summary>The one instance.</summary>
    public static readonly GetLuaStateStatus Instance = new();
}

/// <summary>What a Lua state's actor reports about itself.</summary>
/// <param name="StateId">0 for the shared state, else the worker's number.</param>
/// <param name="ThreadGroup">The worker's thread group (tgid), 0 for the shared state.</param>
/// <param name="ManagedThreadId">The thread that answered: for a worker, its pinned thread.</param>
/// <param name="MemoryBytes">Bytes the state holds.</param>
/// <param name="Tasks">Tasks alive in the state.</param>
/// <param name="TasksFailed">Tasks that ended with an error.</param>
/// <param name="Functions">Functions registered by name in this state.</param>
/// <param name="Calls">Actions, fetches, converters and services run.</param>
/// <param name="Errors">Those that failed.</param>
/// <param name="Timeouts">Those of the failures that ran past their timeout (tune.lua.session-timeout…).</param>
/// <param name="Generation">The generation it serves (1 until a reload).</param>
/// <param name="Draining">Older generations' states it still keeps for work in flight.</param>
public sealed record LuaStateStatus(int StateId, int ThreadGroup, int ManagedThreadId, long MemoryBytes, int Tasks, long TasksFailed,
    int Functions, long Calls, long Errors, long Timeouts, int Generation, int Draining) : IClusterMessage;

/// <summary>How a task ended.</summary>
public enum LuaTaskOutcome
{
    /// <summary>It returned.</summary>
    Finished,

    /// <summary>It raised an error, ran out of memory or past <c>tune.lua.task-timeout</c>.</summary>
    Failed,
}

/// <summary>Published on the event stream when a task ends.</summary>
/// <param name="StateId">The state it ran in.</param>
/// <param name="TaskId">Its number.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Error">For a failure, the message.</param>
/// <param name="ManagedThreadId">The thread its last slice ran on.</param>
/// <param name="Slices">How many slices it ran.</param>
public sealed record LuaTaskEnded(int StateId, long TaskId, LuaTaskOutcome Outcome, string? Error, int ManagedThreadId, long Slices);

/// <summary>Runs the next slice of a task; sent by the owning actor to itself.</summary>
/// <param name="TaskId">The task.</param>
internal sealed record ResumeLuaTask(long TaskId);
