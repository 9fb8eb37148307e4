using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>Runs Lua actions and services for the rules, in the Lua state that owns the
/// transaction, on top of its fetches and converters.</summary>
public interface ILuaActions : ILuaSamples
{
    /// <summary>Runs action <c>lua.</c><paramref name="name"/> of <paramref name="kind"/>. A failing
    /// action is logged by the implementation and the rules go on, as in HAProxy; one that ends
    /// leaves its return value in <see cref="HttpExchange.Verdict"/>.</summary>
    /// <returns>Null when the action is over; the call when it yielded and waits to be resumed.</returns>
    IWaitingCall? RunAction(Lua.LuaFunctionKind kind, string name, HttpExchange exchange, IReadOnlyList<string> arguments);

    /// <summary>Runs HTTP service <c>lua.</c><paramref name="name"/>; when it is over its response
    /// is <see cref="HttpExchange.Reply"/> (500 when it failed).</summary>
    /// <returns>Null when the service is over; the call when it yielded and waits to be resumed.</returns>
    IWaitingCall? RunService(string name, HttpExchange exchange);
}
