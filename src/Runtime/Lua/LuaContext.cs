using static ActorProxy.Runtime.Lua.LuaNative;

namespace ActorProxy.Runtime.Lua;

/// <summary>Whether a context is between calls or inside one (HAProxy's <c>enum hlua_state</c>).</summary>
public enum LuaContextState
{
    /// <summary>No call in progress: <see cref="LuaContext.Start"/> may begin one (HLUA_STOP).</summary>
    Stopped = 0,

    /// <summary>A call has started and yielded; it continues with <see cref="LuaContext.Resume"/> (HLUA_RUN).</summary>
    Running,
}

/// <summary>
/// An execution context (HAProxy's <c>struct hlua</c>): a coroutine on a <see cref="LuaState"/>
/// that runs one call at a time, may yield and be resumed, and is renewed after an error so that
/// the next call starts clean.
/// </summary>
/// <remarks>
/// Usage: <see cref="Start"/> a function, push its arguments, then <see cref="Resume"/> until it
/// returns something other than <see cref="LuaExecResult.Again"/>. A count hook on the coroutine
/// yields every <c>tune.lua.forced-yield</c> instructions; where yielding is allowed this shows
/// as <see cref="LuaExecResult.Again"/> with <see cref="YieldedByHook"/> set, where it is not the
/// call simply continues. A call running past <see cref="Timeout"/> ends with "execution timeout".
/// Like its state, a context is used by one thread at a time.
/// </remarks>
public sealed unsafe class LuaContext : IDisposable
{
    private const string TimeoutMessage = "execution timeout";

    private readonly LuaState _state;
    private nint _thread;
    private int _threadRef;
    private int _pendingArguments;
    private int _yieldedValues;
    private bool _forcedYield;
    private bool _finishRequested;
    private bool _timedOut;
    private long _resumeStart;

    internal LuaContext(LuaState state, TimeSpan timeout)
    {
        _state = state;
        Timeout = timeout;
        (_thread, _threadRef) = NewCoroutine();
    }

    /// <summary>Run time allowed to one call, summed over its resumes; infinite (or zero) for
    /// none. A context taken from a pool gets the timeout of its new use.</summary>
    public TimeSpan Timeout
    {
        get => _timeout;
        set => _timeout = value == TimeSpan.Zero ? System.Threading.Timeout.InfiniteTimeSpan : value;
    }

    private TimeSpan _timeout;

    /// <summary>Whether a call is in progress.</summary>
    public LuaContextState State { get; private set; }

    /// <summary>Run time of the current or last call, summed over its resumes.</summary>
    public TimeSpan RunTime { get; private set; }

    /// <summary>True when the last <see cref="LuaExecResult.Again"/> came from a forced yield
    /// (the caller should resume soon) rather than from the Lua code (it waits for something).</summary>
    public bool YieldedByHook { get; private set; }

    /// <summary>When the last <see cref="LuaExecResult.Again"/> came from <c>core.sleep</c>,
    /// <c>core.msleep</c> or <c>core.yield</c>: how long the call asked to wait before it is
    /// resumed (zero for <c>core.yield</c>). Null when Lua yielded for another reason.</summary>
    public TimeSpan? RequestedDelay { get; private set; }

    /// <summary>When the last <see cref="LuaExecResult.Again"/> came from an I/O operation (a
    /// socket's connect, send or receive): the operation; resume the context once it completes.</summary>
    public Task? PendingOperation { get; private set; }

    /// <summary>True when the last call failed for running past its timeout.</summary>
    public bool TimedOut => ErrorMessage == TimeoutMessage;

    /// <summary>The message of the last <see cref="LuaExecResult.ErrorMessage"/>.</summary>
    public string? ErrorMessage { get; private set; }

    /// <summary>How many values the last resume returned (or yielded).</summary>
    public int ResultCount { get; private set; }

    /// <summary>Begins a call of the function <paramref name="functionRef"/> (from
    /// <see cref="LuaState.Load"/> or <see cref="LuaState.GetGlobalFunction"/>); push its
    /// arguments next, then <see cref="Resume"/>.</summary>
    /// <exception cref="InvalidOperationException">A call is still in progress.</exception>
    public void Start(int functionRef)
    {
        nint thread = LiveThread;
        if (State == LuaContextState.Running)
        {
            throw new InvalidOperationException("This Lua context is inside a call; resume it to its end first.");
        }
        lua_settop(thread, 0);
        lua_rawgeti(thread, LUA_REGISTRYINDEX, functionRef);
        _pendingArguments = 0;
        _yieldedValues = 0;
        ResultCount = 0;
        ErrorMessage = null;
        RunTime = TimeSpan.Zero;
    }

    /// <summary>Pushes an integer argument for the next <see cref="Resume"/>.</summary>
    public void PushArgument(long value)
    {
        nint thread = PrepareArgument();
        lua_pushinteger(thread, value);
    }

    /// <summary>Pushes a string argument for the next <see cref="Resume"/>.</summary>
    public void PushArgument(string value)
    {
        nint thread = PrepareArgument();
        PushString(thread, value);
    }

    /// <summary>Pushes a boolean argument for the next <see cref="Resume"/>.</summary>
    public void PushArgument(bool value)
    {
        nint thread = PrepareArgument();
        lua_pushboolean(thread, value ? 1 : 0);
    }

    /// <summary>Pushes the value of a registry reference (a function, a table) as an argument.</summary>
    public void PushReference(int reference)
    {
        nint thread = PrepareArgument();
        lua_rawgeti(thread, LUA_REGISTRYINDEX, reference);
    }

    /// <summary>Pushes a sample (string, long, bool, double, or nil for null) as an argument.</summary>
    public void PushSample(object? sample)
    {
        nint thread = PrepareArgument();
        switch (sample)
        {
            case null:
                lua_pushnil(thread);
                break;
            case long n:
                lua_pushinteger(thread, n);
                break;
            case bool b:
                lua_pushboolean(thread, b ? 1 : 0);
                break;
            case double d:
                lua_pushnumber(thread, d);
                break;
            case byte[] bytes:
                fixed (byte* p = bytes)
                {
                    lua_pushlstring(thread, p, (nuint)bytes.Length);
                }
                break;
            default:
                PushString(thread, Samples.SampleValue.AsString(sample));
                break;
        }
    }

    /// <summary>Result <paramref name="index"/> (1-based) as a sample: string, long, bool, or
    /// null for nil and for types a sample cannot hold.</summary>
    public object? GetSample(int index)
    {
        nint thread = LiveThread;
        int at = ResultIndex(index);
        switch (lua_type(thread, at))
        {
            case LUA_TBOOLEAN:
                return lua_toboolean(thread, at) != 0;
            case LUA_TNUMBER:
                int isInteger;
                long integer = lua_tointegerx(thread, at, &isInteger);
                return isInteger != 0 ? integer : ToManagedString(thread, at);
            case LUA_TSTRING:
                return ToManagedString(thread, at);
            default:
                return null;
        }
    }

    /// <summary>Starts or continues the call (<c>hlua_ctx_resume</c>). On an error the
    /// coroutine is renewed, the message kept in <see cref="ErrorMessage"/>, and the context is
    /// ready for the next call.</summary>
    /// <param name="yieldAllowed">False where the caller cannot wait: a yield from Lua code is
    /// then an error ("yield not allowed") and forced yields continue at once.</param>
    public LuaExecResult Resume(bool yieldAllowed)
    {
        nint thread = LiveThread;
        DropYieldedValues(thread);
        State = LuaContextState.Running;
        YieldedByHook = false;
        RequestedDelay = null;
        PendingOperation = null;
        ResultCount = 0;

        LuaContext? outer = _state.Running;
        _state.Running = this;
        TimeProvider time = _state.Time;
        _resumeStart = time.GetTimestamp();
        try
        {
            while (true)
            {
                int results;
                bool mark = LuaAllocator.EnterLua();
                int status = lua_resume(_thread, _state.Main, _pendingArguments, &results);
                LuaAllocator.Restore(mark);
                _pendingArguments = 0;

                if (status == LUA_OK)
                {
                    State = LuaContextState.Stopped;
                    ResultCount = results;
                    return LuaExecResult.Ok;
                }
                if (status != LUA_YIELD)
                {
                    return Fail(Describe(status));
                }
                if (_finishRequested)
                {
                    // core.done(): the call ends here, as if it had returned.
                    _finishRequested = false;
                    State = LuaContextState.Stopped;
                    Renew(null);
                    return LuaExecResult.Ok;
                }
                if (_forcedYield)
                {
                    _forcedYield = false;
                    if (IsPastDeadline())
                    {
                        return Fail(TimeoutMessage);
                    }
                    if (!yieldAllowed)
                    {
                        continue;
                    }
                    YieldedByHook = true;
                    return LuaExecResult.Again;
                }
                if (!yieldAllowed)
                {
                    return Fail("yield not allowed");
                }
                ResultCount = _yieldedValues = results;
                return LuaExecResult.Again;
            }
        }
        finally
        {
            RunTime += time.GetElapsedTime(_resumeStart);
            _state.Running = outer;
        }
    }

    /// <summary>Abandons the call in progress, if any: the coroutine is renewed and the
    /// context is ready for the next call.</summary>
    public void Abort()
    {
        if (State == LuaContextState.Running)
        {
            _yieldedValues = 0;
            _forcedYield = false;
            State = LuaContextState.Stopped;
            Renew(null);
        }
    }

    /// <summary>Takes a registry reference to result <paramref name="index"/> (1-based);
    /// release it with <see cref="LuaState.Unref"/>.</summary>
    public int ReferenceResult(int index)
    {
        nint thread = LiveThread;
        lua_pushvalue(thread, ResultIndex(index));
        return luaL_ref(thread, LUA_REGISTRYINDEX);
    }

    /// <summary>Result <paramref name="index"/> (1-based) as an integer, or null if it is not one.</summary>
    public long? GetInteger(int index)
    {
        int isInteger;
        long value = lua_tointegerx(LiveThread, ResultIndex(index), &isInteger);
        return isInteger != 0 ? value : null;
    }

    /// <summary>Result <paramref name="index"/> (1-based) as a string, or null if it is neither a string nor a number.</summary>
    public string? GetString(int index) => ToManagedString(LiveThread, ResultIndex(index));

    /// <summary>Result <paramref name="index"/> (1-based) as Lua truth.</summary>
    public bool GetBoolean(int index) => lua_toboolean(LiveThread, ResultIndex(index)) != 0;

    /// <summary>Releases the coroutine (<c>hlua_ctx_destroy</c>); Lua collects it.</summary>
    public void Dispose()
    {
        if (_thread == 0)
        {
            return;
        }
        if (!_state.IsClosed)
        {
            luaL_unref(_state.Main, LUA_REGISTRYINDEX, _threadRef);
        }
        _thread = 0;
    }

    /// <summary>Records that the running Lua code is about to yield until <paramref name="operation"/> completes.</summary>
    internal void AwaitOperation(Task operation) => PendingOperation = operation;

    /// <summary>Records that the running Lua code is about to yield to end the call (<c>core.done</c>).</summary>
    internal void RequestFinish() => _finishRequested = true;

    /// <summary>Records that the running Lua code is about to yield to wait <paramref name="delay"/>.</summary>
    internal void RequestDelay(TimeSpan delay) => RequestedDelay = delay;

    // Called by the count hook on any coroutine of this context's state while this context runs:
    // ours, or one the Lua code made with coroutine.create, which we must not yield behind its back.
    internal void OnCountHook(nint thread)
    {
        if (thread == _thread && lua_isyieldable(thread) != 0)
        {
            _forcedYield = true;
            lua_yieldk(thread, 0, 0, 0);
            return;
        }
        if (IsPastDeadline())
        {
            _timedOut = true;
            _state.ArmAbort(thread, TimeoutMessage);
        }
    }

    private nint LiveThread
    {
        get
        {
            ObjectDisposedException.ThrowIf(_thread == 0, this);
            ObjectDisposedException.ThrowIf(_state.IsClosed, _state);
            return _thread;
        }
    }

    private bool IsPastDeadline() =>
        Timeout != System.Threading.Timeout.InfiniteTimeSpan &&
        RunTime + _state.Time.GetElapsedTime(_resumeStart) > Timeout;

    private nint PrepareArgument()
    {
        nint thread = LiveThread;
        DropYieldedValues(thread);
        if (lua_checkstack(thread, 1) == 0)
        {
            throw new InvalidOperationException("Lua stack overflow while pushing an argument.");
        }
        _pendingArguments++;
        return thread;
    }

    // Values a coroutine yielded sit on its stack and must go before it is resumed.
    private void DropYieldedValues(nint thread)
    {
        if (_yieldedValues > 0)
        {
            lua_settop(thread, -_yieldedValues - 1);
            _yieldedValues = 0;
        }
    }

    private int ResultIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, ResultCount);
        return lua_gettop(_thread) - ResultCount + index;
    }

    private string Describe(int status) =>
        _timedOut ? TimeoutMessage : DescribeError(status, status is LUA_ERRRUN or LUA_ERRERR ? ToManagedString(_thread, -1) : null);

    /// <summary>The message <c>hlua_ctx_resume</c> gives for a failed <c>lua_resume</c> status.</summary>
    internal static string DescribeError(int status, string? message) => status switch
    {
        LUA_ERRRUN => message is null ? "unknown runtime error" : $"runtime error: {message}",
        LUA_ERRMEM => "out of memory error",
        LUA_ERRERR => message is null ? "message handler error" : $"message handler error: {message}",
        _ => "unknown error",
    };

    // The error path of hlua_ctx_resume: renew the coroutine, carrying the message over.
    private LuaExecResult Fail(string message)
    {
        _timedOut = false;
        _forcedYield = false;
        _yieldedValues = 0;
        State = LuaContextState.Stopped;
        bool kept = Renew(message);
        ErrorMessage = message;
        _state.CollectAfterFailure();
        return kept ? LuaExecResult.ErrorMessage : LuaExecResult.Error;
    }

    // hlua_ctx_renew: a fresh coroutine replaces the failed one, which Lua then collects.
    private bool Renew(string? message)
    {
        var (thread, reference) = NewCoroutine();
        bool kept = lua_checkstack(thread, 1) != 0;
        if (kept && message is not null)
        {
            PushString(thread, message);
        }
        luaL_unref(_state.Main, LUA_REGISTRYINDEX, _threadRef);
        _thread = thread;
        _threadRef = reference;
        return kept;
    }

    private (nint Thread, int Reference) NewCoroutine()
    {
        nint main = _state.Main;
        nint thread = lua_newthread(main);
        int reference = luaL_ref(main, LUA_REGISTRYINDEX);
        lua_sethook(thread, &LuaState.CountHook, LUA_MASKCOUNT, _state.Tune.ForcedYield);
        return (thread, reference);
    }
}
