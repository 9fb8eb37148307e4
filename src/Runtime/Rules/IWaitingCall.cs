using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// A Lua action or service of a transaction that is not over and waits: one that yielded in its
/// own state, or a call into the shared state whose answer has not come. Its owner resumes it
/// when <see cref="Wait"/> says, on the thread that owns the transaction's state.
/// </summary>
public interface IWaitingCall
{
    /// <summary>When to resume it: soon, after a delay, or when an operation completes.</summary>
    LuaTaskStep Wait { get; }

    /// <summary>Runs the call on. True when it is over (a service's response is then on the
    /// transaction); false when it waits again.</summary>
    bool Resume();
}
