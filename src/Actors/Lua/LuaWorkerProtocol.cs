using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Rules;

namespace ActorProxy.Actors.Lua;

/// <summary>Runs a frontend's <c>http-request</c> rules and backend choice on the worker that
/// owns the connection. Completes when <paramref name="Exchange"/> holds the outcome. Stays in
/// its node: it carries the live transaction.</summary>
/// <param name="Frontend">The frontend that received the request.</param>
/// <param name="Exchange">The transaction, changed in place.</param>
/// <param name="Completion">Completed when done; failed only on an ActorProxy bug.</param>
public sealed record RunHttpRequest(FrontendSettings Frontend, HttpExchange Exchange, TaskCompletionSource Completion);

/// <summary>Runs a frontend's <c>http-response</c> rules on the worker that owns the connection.</summary>
/// <param name="Frontend">The frontend that received the request.</param>
/// <param name="Exchange">The transaction with its response, changed in place.</param>
/// <param name="Completion">Completed when done.</param>
public sealed record RunHttpResponse(FrontendSettings Frontend, HttpExchange Exchange, TaskCompletionSource Completion);

/// <summary>Runs a TCP frontend's <c>tcp-request</c> rules that call Lua on the worker that owns
/// the connection; <see cref="TcpRequestRules.Outcome"/> says what follows once it completes.</summary>
/// <param name="Rules">The run, on the connection's session.</param>
/// <param name="Completion">Completed when done; failed only on an ActorProxy bug.</param>
public sealed record RunTcpRequest(TcpRequestRules Rules, TaskCompletionSource Completion);

/// <summary>The transaction is over: the worker drops what Lua kept for it (<c>set_priv</c>) in
/// the state of the generation it ran on.</summary>
/// <param name="TransactionId">The transaction's number.</param>
/// <param name="Generation">The Lua generation it ran on.</param>
public sealed record EndHttpTransaction(long TransactionId, int Generation);

/// <summary>A rule run stopped where a Lua call waits, and goes on: the worker sends it to itself
/// when the wait is over.</summary>
/// <param name="Run">The run.</param>
/// <param name="Completion">Completed when the run is over.</param>
/// <param name="Generation">The Lua generation whose state runs it.</param>
internal sealed record ContinueRuleRun(IRuleRun Run, TaskCompletionSource Completion, int Generation);
