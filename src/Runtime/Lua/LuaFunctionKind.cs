namespace ActorProxy.Runtime.Lua;

/// <summary>The kinds of named functions Lua registers with <c>core.register_*</c>. Each kind is
/// its own namespace, as in HAProxy.</summary>
public enum LuaFunctionKind
{
    /// <summary><c>core.register_action</c>: an <c>http-request</c>/<c>tcp-request</c>… action.</summary>
    Action,

    /// <summary><c>core.register_fetches</c>: a sample fetch.</summary>
    SampleFetch,

    /// <summary><c>core.register_converters</c>: a sample converter.</summary>
    Converter,

    /// <summary><c>core.register_service</c>: an HTTP or TCP applet.</summary>
    Service,

    /// <summary><c>core.register_cli</c>: an admin command.</summary>
    CliKeyword,
}
