namespace ActorProxy.Runtime.Lua;

/// <summary>What one <see cref="LuaContext.Resume"/> ended with (HAProxy's <c>enum hlua_exec</c>).</summary>
public enum LuaExecResult
{
    /// <summary>The function returned; its results are on the context (HLUA_E_OK).</summary>
    Ok = 0,

    /// <summary>The coroutine yielded and must be resumed later (HLUA_E_AGAIN).</summary>
    Again,

    /// <summary>The call failed; <see cref="LuaContext.ErrorMessage"/> says why (HLUA_E_ERRMSG).</summary>
    ErrorMessage,

    /// <summary>The call failed and no message could be kept (HLUA_E_ERR).</summary>
    Error,
}
