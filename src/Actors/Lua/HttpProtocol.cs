using Akka.Actor;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;

namespace ActorProxy.Actors.Lua;

/// <summary>Runs a frontend's <c>http-request</c> rules and backend choice on the worker that
/// owns the connection. Completes when <paramref name="Exchange"/> holds the outcome.</summary>
/// <param name="Frontend">The frontend that received the request.</param>
/// <param name="Exchange">The transaction, changed in place.</param>
/// <param name="Completion">Completed when done; failed only on an ActorProxy bug.</param>
public sealed record RunHttpRequest(FrontendSettings Frontend, HttpExchange Exchange, TaskCompletionSource Completion);

/// <summary>Runs a frontend's <c>http-response</c> rules on the worker that owns the connection.</summary>
/// <param name="Frontend">The frontend that received the request.</param>
/// <param name="Exchange">The transaction with its response, changed in place.</param>
/// <param name="Completion">Completed when done.</param>
public sealed record RunHttpResponse(FrontendSettings Frontend, HttpExchange Exchange, TaskCompletionSource Completion);

/// <summary>The transaction is over: the worker drops what Lua kept for it (<c>set_priv</c>).</summary>
/// <param name="TransactionId">The transaction's number.</param>
public sealed record EndHttpTransaction(long TransactionId);

/// <summary>Calls a function registered in the shared state on behalf of a worker. Plain data,
/// as the singleton may live on another node: the answer is a <see cref="SharedLuaResult"/> to
/// the sender.</summary>
/// <param name="Kind">What kind of function.</param>
/// <param name="Name">Its name.</param>
/// <param name="Exchange">What Lua may read of the transaction.</param>
/// <param name="Input">A converter's input; null otherwise.</param>
/// <param name="Arguments">Its arguments.</param>
public sealed record CallSharedLua(LuaFunctionKind Kind, string Name, HttpExchangeSnapshot Exchange, object? Input, string[] Arguments) : IClusterMessage;

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

/// <summary>Resumes a Lua call that waited; sent by the owning actor to itself.</summary>
/// <param name="Id">What waits.</param>
internal sealed record ResumeLuaCall(long Id);
