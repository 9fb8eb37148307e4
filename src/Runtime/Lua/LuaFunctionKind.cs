namespace ActorProxy.Runtime.Lua;

/// <summary>The kinds of named functions Lua registers with <c>core.register_*</c>. Each kind is
/// its own namespace, as in HAProxy.</summary>
public enum LuaFunctionKind
{
    /// <summary><c>core.register_action</c> for <c>http-req</c>: an <c>http-request</c> action.
    /// Each action environment is its own namespace: one name may be registered for several,
    /// each with its own function, as in HAProxy.</summary>
    HttpRequestAction,

    /// <summary><c>core.register_action</c> for <c>http-res</c>: an <c>http-response</c> action.</summary>
    HttpResponseAction,

    /// <summary><c>core.register_action</c> for <c>tcp-req</c>: a <c>tcp-request content</c> action.</summary>
    TcpRequestAction,

    /// <summary><c>core.register_action</c> for <c>tcp-res</c>: a <c>tcp-response content</c> action.</summary>
    TcpResponseAction,

    /// <summary><c>core.register_action</c> for <c>http-after-res</c>: an <c>http-after-response</c> action.</summary>
    HttpAfterResponseAction,

    /// <summary><c>core.register_fetches</c>: a sample fetch.</summary>
    SampleFetch,

    /// <summary><c>core.register_converters</c>: a sample converter.</summary>
    Converter,

    /// <summary><c>core.register_service</c>: an HTTP or TCP applet.</summary>
    Service,

    /// <summary><c>core.register_cli</c>: an admin command.</summary>
    CliKeyword,
}

/// <summary>Helpers on <see cref="LuaFunctionKind"/>.</summary>
public static class LuaFunctionKinds
{
    /// <summary>True for the action kinds.</summary>
    public static bool IsAction(this LuaFunctionKind kind) =>
        kind is LuaFunctionKind.HttpRequestAction or LuaFunctionKind.HttpResponseAction or LuaFunctionKind.TcpRequestAction
            or LuaFunctionKind.TcpResponseAction or LuaFunctionKind.HttpAfterResponseAction;

    /// <summary>The action kind of a <c>core.register_action</c> environment, or null when there is none.</summary>
    public static LuaFunctionKind? OfEnvironment(string environment) => environment switch
    {
        "http-req" => LuaFunctionKind.HttpRequestAction,
        "http-res" => LuaFunctionKind.HttpResponseAction,
        "tcp-req" => LuaFunctionKind.TcpRequestAction,
        "tcp-res" => LuaFunctionKind.TcpResponseAction,
        "http-after-res" => LuaFunctionKind.HttpAfterResponseAction,
        _ => null,
    };
}
