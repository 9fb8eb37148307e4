using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// A run of a frontend's rules that stops where a Lua call waits and goes on once the wait is
/// over: its HTTP rules (<see cref="FrontendRules"/>) or its <c>tcp-request</c> rules
/// (<see cref="TcpRequestRules"/>). The owner of the connection's Lua state drives it.
/// </summary>
public interface IRuleRun
{
    /// <summary>The transaction, or the connection for TCP rules.</summary>
    HttpExchange Exchange { get; }

    /// <summary>What a stopped run waits for: the run's own, as a transaction may have two runs
    /// at once (its request's, in a service that streams, and its response's).</summary>
    IWaitingCall? Waiting { get; }

    /// <summary>Runs from where the run stopped. True when it is over; false when a Lua call waits.</summary>
    bool Continue(ILuaActions lua);
}
