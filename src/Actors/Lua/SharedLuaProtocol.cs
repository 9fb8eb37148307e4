using ActorProxy.Actors.Serialization;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Rules;
using Akka.Actor;

namespace ActorProxy.Actors.Lua;

/// <summary>Calls a function registered in the shared state on behalf of a worker. Plain data,
/// as the singleton may live on another node: the answer is a <see cref="SharedLuaResult"/> to
/// the sender.</summary>
/// <param name="Kind">What kind of function.</param>
/// <param name="Name">Its name.</param>
/// <param name="Exchange">What Lua may read of the transaction.</param>
/// <param name="Input">A converter's input; null otherwise.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="Generation">The generation of the shared state the caller's transaction runs on;
/// the one serving when the singleton has no longer (or not yet) that one.</param>
/// <param name="ServiceStream">For a service, the <see cref="ServiceStreamRelay"/> of its client's
/// connection, through which it reads the body and answers as it runs.</param>
public sealed record CallSharedLua(LuaFunctionKind Kind, string Name, HttpExchangeSnapshot Exchange, object? Input, string[] Arguments,
    int Generation, IActorRef? ServiceStream = null) : IClusterMessage;

/// <summary>The answer to <see cref="CallSharedLua"/>.</summary>
/// <param name="Exchange">The transaction as Lua left it.</param>
/// <param name="Sample">A fetch's or converter's result, or null.</param>
/// <param name="Reply">A service's response, or null.</param>
public sealed record SharedLuaResult(HttpExchangeSnapshot Exchange, object? Sample, HttpReplySnapshot? Reply) : IClusterMessage;

/// <summary>Asks the shared state, through the singleton's proxy, for its own reference, so that
/// a worker's calls skip the proxy's hop. Answered with <see cref="SharedLuaLocated"/>.</summary>
public sealed record LocateSharedLua : IClusterMessage
{
    /// <summary>The one instance.</summary>
    public static readonly LocateSharedLua Instance = new();
}

/// <summary>The shared state's actor itself, wherever the singleton lives.</summary>
/// <param name="SharedLua">The actor.</param>
public sealed record SharedLuaLocated(IActorRef SharedLua) : IClusterMessage;

/// <summary>A shared-state action or service that yielded goes on; the singleton sends it to
/// itself when the wait is over, and answers <paramref name="ReplyTo"/> once the call is over.</summary>
/// <param name="Call">The call as it arrived.</param>
/// <param name="State">The state of the generation that runs it.</param>
/// <param name="Waiting">The Lua call that waits.</param>
/// <param name="Exchange">The singleton's copy of the transaction.</param>
/// <param name="ReplyTo">The worker that called.</param>
internal sealed record ResumeSharedCall(CallSharedLua Call, OwnedLuaState State, IWaitingCall Waiting, HttpExchange Exchange, IActorRef ReplyTo);
