using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Rules;
using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// A Lua action or service of the shared state, called from a worker's rules, whose answer has
/// not come: the worker serves other transactions meanwhile, and resumes this one when the
/// singleton answers, or when the call times out.
/// </summary>
internal sealed class SharedLuaCall(LuaFunctionKind kind, HttpExchange exchange, Task<SharedLuaResult?> answer) : IWaitingCall
{
    /// <inheritdoc/>
    public LuaTaskStep Wait { get; } = new(LuaTaskStepKind.WaitOperation, Operation: answer);

    /// <summary>Applies what Lua changed to the transaction; a service's response becomes its
    /// reply, unless it went out as the service ran. A call that failed or got no answer in time
    /// changes nothing (the singleton logged a Lua error), and a service then answers 500, as
    /// HAProxy does, or nothing when its client is gone.</summary>
    public bool Resume()
    {
        var result = answer.IsCompletedSuccessfully ? answer.Result : null;
        result?.Exchange.ApplyTo(exchange);
        if (kind == LuaFunctionKind.Service)
        {
            exchange.Reply = exchange.ServiceStreamed || exchange.ServiceStream is { Stopped: true }
                ? null
                : result?.Reply?.ToReply() ?? HttpReply.ErrorPage(500);
        }
        else if (result?.Reply is { } reply)
        {
            // txn:done(reply) in a shared-state action.
            exchange.Reply = reply.ToReply();
        }
        return true;
    }
}
