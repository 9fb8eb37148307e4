using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Lua.Api;
using ActorProxy.Runtime.Rules;
using Akka.Actor;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// The Lua functions a worker's rules call: those registered in the worker's own state run
/// there, at once; those registered in the shared state are messages to the singleton, which
/// serialises them. The worker waits for the singleton's answer, bounded by the session or
/// service timeout: the transaction cannot go on without it.
/// </summary>
internal sealed class WorkerLuaActions(LuaHttpApi local, IActorRef shared, LuaTune tune) : ILuaActions
{
    // The singleton's own timeout applies first; this margin only covers the message hops.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    /// <summary>Where calls into the shared state go: the singleton's actor, or its proxy.</summary>
    public IActorRef Shared { get; set; } = shared;

    public LuaSuspendedCall? RunAction(string name, HttpExchange exchange, IReadOnlyList<string> arguments)
    {
        if (local.IsHere(LuaFunctionKind.Action, name))
        {
            return local.RunAction(name, exchange, arguments);
        }
        CallShared(LuaFunctionKind.Action, name, exchange, null, arguments, tune.SessionTimeout);
        return null;
    }

    public object? Fetch(string name, HttpExchange exchange, IReadOnlyList<string> arguments) =>
        local.IsHere(LuaFunctionKind.SampleFetch, name)
            ? local.Fetch(name, exchange, arguments)
            : CallShared(LuaFunctionKind.SampleFetch, name, exchange, null, arguments, tune.SessionTimeout);

    public object? Convert(string name, HttpExchange exchange, object input, IReadOnlyList<string> arguments) =>
        local.IsHere(LuaFunctionKind.Converter, name)
            ? local.Convert(name, exchange, input, arguments)
            : CallShared(LuaFunctionKind.Converter, name, exchange, input, arguments, tune.SessionTimeout);

    public LuaSuspendedCall? RunService(string name, HttpExchange exchange)
    {
        if (local.IsHere(LuaFunctionKind.Service, name))
        {
            return local.RunService(name, exchange);
        }
        exchange.Reply = CallShared(LuaFunctionKind.Service, name, exchange, null, [], tune.ServiceTimeout) as HttpReply
            ?? HttpReply.ErrorPage(500);
        return null;
    }

    // The worker waits: the transaction cannot go on without the answer. The exchange travels
    // as a snapshot and comes back as Lua left it.
    private object? CallShared(LuaFunctionKind kind, string name, HttpExchange exchange, object? input, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var call = new CallSharedLua(kind, name, HttpExchangeSnapshot.Of(exchange), input, arguments.ToArray());
        var answer = Shared.Ask<SharedLuaResult>(call, timeout + Margin);
        try
        {
            answer.Wait();
        }
        catch (AggregateException)
        {
            return null;
        }
        answer.Result.Exchange.ApplyTo(exchange);
        return kind == LuaFunctionKind.Service ? answer.Result.Reply?.ToReply() : answer.Result.Sample;
    }
}
