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

/// <summary>Calls a function registered in the shared state on behalf of a worker. The
/// exchange is the worker's: a worker waits for the answer before it touches it again.</summary>
/// <param name="Kind">What kind of function.</param>
/// <param name="Name">Its name.</param>
/// <param name="Exchange">The transaction it works on.</param>
/// <param name="Input">A converter's input; null otherwise.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="Completion">Completed with the result: a sample, an <see cref="HttpReply"/> for a service, or null.</param>
public sealed record CallSharedLua(LuaFunctionKind Kind, string Name, HttpExchange Exchange, object? Input,
    IReadOnlyList<string> Arguments, TaskCompletionSource<object?> Completion);

/// <summary>Resumes a Lua call that waited; sent by the owning actor to itself.</summary>
/// <param name="Id">What waits.</param>
internal sealed record ResumeLuaCall(long Id);
