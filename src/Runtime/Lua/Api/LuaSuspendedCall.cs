using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// A Lua action or service that yielded — <c>core.sleep</c>, <c>core.yield</c>, a socket wait —
/// and waits for its owner to resume it (HAProxy's HLUA_E_AGAIN for a stream). <see cref="Wait"/>
/// says when; <see cref="Resume"/> runs it on, on the thread that owns its state.
/// </summary>
public sealed class LuaSuspendedCall : Rules.IWaitingCall, IDisposable
{
    private readonly LuaHttpApi _api;
    private readonly LuaState _state;

    internal LuaSuspendedCall(LuaHttpApi api, LuaState state, LuaContext context, LuaFunctionKind kind, string name, HttpExchange exchange)
    {
        _api = api;
        _state = state;
        Context = context;
        Kind = kind;
        Name = name;
        Exchange = exchange;
    }

    /// <summary>What kind of function it is.</summary>
    public LuaFunctionKind Kind { get; }

    /// <summary>The function's name.</summary>
    public string Name { get; }

    /// <summary>The transaction it works on.</summary>
    public HttpExchange Exchange { get; }

    /// <summary>When to resume it: soon, after a delay, or when an operation completes.</summary>
    public LuaTaskStep Wait { get; internal set; }

    internal LuaContext Context { get; }

    // A service's side of its transaction.
    internal LuaServiceIo? Service { get; set; }

    /// <summary>Runs the call on. True when it is over: finished, or failed and logged; a
    /// service's response is then on <see cref="Exchange"/>. False when it waits again.</summary>
    public bool Resume() => _api.Resume(this);

    /// <summary>Gives the context back to its state's pool.</summary>
    public void Dispose() => _state.ReturnContext(Context);
}
