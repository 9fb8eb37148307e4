namespace ActorProxy.Runtime.Rules;

/// <summary>What a Lua action's return value asks for: HAProxy's <c>act</c> constants
/// (<c>ACT_RET_*</c>), with the same numbers.</summary>
public enum ActionVerdict
{
    /// <summary><c>act.CONTINUE</c>, also a return of nothing or of a non-number: the next rule.</summary>
    Continue = 0,

    /// <summary><c>act.STOP</c>: no more rules of this set; the transaction goes on.</summary>
    Stop = 1,

    /// <summary><c>act.YIELD</c> returned by an action that is over: HAProxy 2.6 then waits with
    /// no wake-up until a timeout; ActorProxy logs it and goes on (docs/haproxy-compat.md).</summary>
    Yield = 2,

    /// <summary><c>act.ERROR</c>: HAProxy's 500 page.</summary>
    Error = 3,

    /// <summary><c>act.DONE</c>: no more rules; the reply <c>txn:done</c> gave, if any, is the answer.</summary>
    Done = 4,

    /// <summary><c>act.DENY</c>: HAProxy's 403 page for a request; for a response, the page of its status (500 when it has none).</summary>
    Deny = 5,

    /// <summary><c>act.ABORT</c>: for a request, HAProxy's 503 page; for a response, no more rules.</summary>
    Abort = 6,

    /// <summary><c>act.INVALID</c>: HAProxy's 400 page for a request, 502 for a response.</summary>
    Invalid = 7,
}
