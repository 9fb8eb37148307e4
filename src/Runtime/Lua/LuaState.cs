using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static ActorProxy.Runtime.Lua.LuaNative;

namespace ActorProxy.Runtime.Lua;

/// <summary>
/// One Lua state (HAProxy's <c>hlua_states[id]</c>): id 0 is the shared state of
/// <c>lua-load</c>, ids 1..N the per-thread states of <c>lua-load-per-thread</c>.
/// </summary>
/// <remarks>
/// A state is not thread-safe: one thread at a time uses it and every
/// <see cref="LuaContext"/> made from it. Its memory comes from the <see cref="LuaAllocator"/>
/// shared by all states. C# functions are exposed with <see cref="Expose"/>; the count hook that
/// forces yields and enforces timeouts is set on every context's coroutine.
/// </remarks>
public sealed unsafe class LuaState : IDisposable
{
    private static readonly byte[] PreludeSource = LuaResources.Read("ActorProxy.Runtime.Lua.Prelude.lua");

    private readonly LuaAllocator _allocator;
    private readonly List<LuaApiBinding> _functions = [];
    private GCHandle<LuaState> _self;
    private nint _main;
    private int _failureMarkerRef;
    private int _exposeRef;
    private int _abortRef;
    private int _prependPathRef;

    /// <summary>Creates a state with the standard libraries and the C# bridge.</summary>
    /// <param name="id">0 for the shared state, the worker number for a per-thread state.</param>
    /// <param name="allocator">The process's Lua allocator.</param>
    /// <param name="tune">The <c>tune.lua.*</c> settings.</param>
    /// <param name="time">The clock timeouts are measured with.</param>
    /// <param name="logger">Where internal errors of exposed functions are logged.</param>
    public LuaState(int id, LuaAllocator allocator, LuaTune tune, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(tune.ForcedYield, 1);
        Id = id;
        Tune = tune;
        Time = time ?? TimeProvider.System;
        Logger = logger ?? NullLogger.Instance;
        _allocator = allocator;

        _main = lua_newstate(LuaAllocator.Function, allocator.UserData);
        if (_main == 0)
        {
            throw new InsufficientMemoryException($"Lua state {id}: not enough memory to create the state.");
        }
        allocator.StateCreated();
        _self = new GCHandle<LuaState>(this);
        // Every coroutine copies this slot from the main thread, so any lua_State* leads back here.
        *ExtraSpace(_main) = GCHandle<LuaState>.ToIntPtr(_self);

        luaL_openlibs(_main);
        InstallPrelude();
    }

    /// <summary>0 for the shared state, 1..N for worker N's state.</summary>
    public int Id { get; }

    /// <summary>The <c>tune.lua.*</c> settings this state runs with.</summary>
    public LuaTune Tune { get; }

    /// <summary>The clock timeouts are measured with.</summary>
    public TimeProvider Time { get; }

    /// <summary>Where this state's messages go.</summary>
    public ILogger Logger { get; }

    // What the state held right after its last full collection (CollectAfterFailure).
    private long _heldAfterCollection;

    /// <summary>Bytes this state holds, as Lua counts them (<c>collectgarbage("count")</c>).</summary>
    public long MemoryBytes => lua_gc(Main, LUA_GCCOUNT) * 1024L + lua_gc(Main, LUA_GCCOUNTB);

    /// <summary>The context whose coroutine is running now, for the count hook.</summary>
    internal LuaContext? Running { get; set; }

    internal nint Main
    {
        get
        {
            ObjectDisposedException.ThrowIf(_main == 0, this);
            return _main;
        }
    }

    internal bool IsClosed => _main == 0;

    /// <summary>True once the shared allocator left its boot phase: registrations are over.</summary>
    internal bool IsBootComplete => _allocator.IsBootComplete;

    /// <summary>True while the state runs its <c>lua-load</c> files' bodies, where
    /// <c>core.register_*</c> is allowed.</summary>
    internal bool LoadingFiles { get; set; }

    /// <summary>Compiles <paramref name="source"/> and returns a reference to the resulting
    /// function, for <see cref="LuaContext.Start"/>. Nothing runs yet.</summary>
    /// <param name="source">Lua source or precompiled chunk.</param>
    /// <param name="chunkName">The name errors give, such as <c>@lua/shared.lua</c> (Lua's convention:
    /// a leading @ means a file name).</param>
    /// <exception cref="LuaScriptException">The chunk does not compile; the message is Lua's.</exception>
    public int Load(ReadOnlySpan<byte> source, string chunkName)
    {
        nint L = Main;
        int nameLength = System.Text.Encoding.UTF8.GetByteCount(chunkName);
        Span<byte> name = nameLength < 256 ? stackalloc byte[nameLength + 1] : new byte[nameLength + 1];
        System.Text.Encoding.UTF8.GetBytes(chunkName, name);
        name[nameLength] = 0;
        int status;
        fixed (byte* s = source)
        fixed (byte* n = name)
        {
            bool mark = LuaAllocator.EnterLua();
            status = luaL_loadbufferx(L, s, (nuint)source.Length, n, null);
            LuaAllocator.Restore(mark);
        }
        if (status != LUA_OK)
        {
            string message = status == LUA_ERRMEM
                ? $"{DisplayName(chunkName)}: out of memory error"
                : ToManagedString(L, -1) ?? $"{DisplayName(chunkName)}: unknown load error";
            lua_pop(L, 1);
            throw new LuaScriptException(message);
        }
        return luaL_ref(L, LUA_REGISTRYINDEX);
    }

    /// <summary>Compiles the Lua file at <paramref name="path"/> (see <see cref="Load"/>).
    /// Errors name the file as <paramref name="name"/>, or as <paramref name="path"/>.</summary>
    /// <exception cref="LuaScriptException">The file cannot be read or does not compile.</exception>
    public int LoadFile(string path, string? name = null)
    {
        name ??= path;
        byte[] source;
        try
        {
            source = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LuaScriptException($"{name}: cannot read Lua file: {e.Message}", e);
        }
        return Load(source, "@" + name);
    }

    /// <summary>Runs a loaded function to its end with no argument, where yielding is not
    /// allowed, bounded by <c>tune.lua.task-timeout</c>: how file bodies and init functions run.</summary>
    /// <exception cref="LuaScriptException">The function failed; the message is the context's.</exception>
    public void Run(int functionRef)
    {
        using var context = CreateContext(Tune.TaskTimeout);
        context.Start(functionRef);
        if (context.Resume(yieldAllowed: false) != LuaExecResult.Ok)
        {
            throw new LuaScriptException(context.ErrorMessage ?? "unknown error");
        }
    }

    /// <summary>Loads and runs a Lua file (<c>lua-load</c> into this state); errors name it as
    /// <paramref name="name"/>, or as <paramref name="path"/>.</summary>
    /// <exception cref="LuaScriptException">The file cannot be read, compiled or run.</exception>
    public void RunFile(string path, string? name = null)
    {
        int function = LoadFile(path, name);
        try
        {
            Run(function);
        }
        finally
        {
            Unref(function);
        }
    }

    /// <summary>Loads and runs a piece of Lua source.</summary>
    /// <exception cref="LuaScriptException">The source does not compile or fails.</exception>
    public void Execute(string source, string chunkName = "=(load)")
    {
        int function = Load(System.Text.Encoding.UTF8.GetBytes(source), chunkName);
        try
        {
            Run(function);
        }
        finally
        {
            Unref(function);
        }
    }

    /// <summary>Runs one of ActorProxy's own Lua modules (the Lua side of an API class) at boot,
    /// with <paramref name="arguments"/>, and returns references to the <paramref name="results"/>
    /// values it returns (its entry points).</summary>
    /// <exception cref="LuaScriptException">The module failed or returned something else.</exception>
    internal int[] RunModule(ReadOnlySpan<byte> source, string name, int results, params ReadOnlySpan<long> arguments)
    {
        int body = Load(source, $"=(actorproxy {name})");
        using var context = CreateContext(Tune.TaskTimeout);
        context.Start(body);
        foreach (long argument in arguments)
        {
            context.PushArgument(argument);
        }
        var outcome = context.Resume(yieldAllowed: false);
        Unref(body);
        if (outcome != LuaExecResult.Ok || context.ResultCount != results)
        {
            throw new LuaScriptException($"Lua state {Id}: cannot install {name}: {context.ErrorMessage ?? $"{context.ResultCount} results instead of {results}"}");
        }
        var entries = new int[results];
        for (int i = 0; i < results; i++)
        {
            entries[i] = context.ReferenceResult(i + 1);
        }
        return entries;
    }

    /// <summary>Returns a reference to the global function <paramref name="name"/>.</summary>
    /// <exception cref="LuaScriptException">There is no such global function.</exception>
    public int GetGlobalFunction(string name)
    {
        nint L = Main;
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        PushString(L, name);
        int type = lua_rawget(L, -2);
        if (type != LUA_TFUNCTION)
        {
            lua_pop(L, 2);
            throw new LuaScriptException($"Lua state {Id}: global '{name}' is not a function (it is {LuaCall.TypeName(type)}).");
        }
        int reference = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pop(L, 1);
        return reference;
    }

    /// <summary>Releases a reference from <see cref="Load"/> or <see cref="GetGlobalFunction"/>.</summary>
    public void Unref(int reference) => luaL_unref(Main, LUA_REGISTRYINDEX, reference);

    /// <summary>Makes <paramref name="function"/> callable from Lua as
    /// <c>table.name</c>, or as the global <c>name</c> when <paramref name="table"/> is null.
    /// The table is created if missing.</summary>
    public void Expose(string? table, string name, LuaApiFunction function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        nint L = Main;
        int id = _functions.Count;
        _functions.Add(new LuaApiBinding(table is null ? name : $"{table}.{name}", function));

        lua_rawgeti(L, LUA_REGISTRYINDEX, _exposeRef);
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        if (table is null)
        {
            lua_pushnil(L);
        }
        else
        {
            PushString(L, table);
        }
        PushString(L, name);
        lua_pushinteger(L, id);
        lua_pushcclosure(L, &CallExposed, 1);
        CallHelper(L, 4, $"expose '{name}'");
    }

    /// <summary>Applies one <c>lua-prepend-path</c> directive to this state.</summary>
    public void PrependPath(LuaPrependPath entry)
    {
        nint L = Main;
        lua_rawgeti(L, LUA_REGISTRYINDEX, _prependPathRef);
        PushString(L, entry.PackageField);
        PushString(L, entry.Path);
        CallHelper(L, 2, $"lua-prepend-path '{entry.Path}'");
    }

    /// <summary>True once this state allocates through Lua's own C allocator (see <see cref="UseSystemAllocator"/>).</summary>
    public bool UsesSystemAllocator => lua_getallocf(Main, null) == LuaAllocator.SystemFunction;

    /// <summary>Switches this state to Lua's own C allocator, the fast path once boot is over
    /// without a limit: memory is then neither accounted nor bounded, as in HAProxy.</summary>
    /// <exception cref="InvalidOperationException">The shared allocator still accounts.</exception>
    public void UseSystemAllocator()
    {
        if (_allocator.IsAccounting)
        {
            throw new InvalidOperationException($"Lua state {Id}: the allocator still accounts (boot not complete, or tune.lua.maxmem set).");
        }
        lua_setallocf(Main, LuaAllocator.SystemFunction, 0);
    }

    /// <summary>The pool this state's contexts come from, when its engine gave it one.</summary>
    internal Pools.Pool<LuaContext>? ContextPool { get; set; }

    /// <summary>A context for a new use with <paramref name="timeout"/>: from the pool when there
    /// is one (HAProxy's pool of <c>struct hlua</c>), else a new one.</summary>
    internal LuaContext RentContext(TimeSpan timeout)
    {
        var context = ContextPool?.Rent() ?? CreateContext(timeout);
        context.Timeout = timeout;
        return context;
    }

    /// <summary>Gives back a context from <see cref="RentContext"/>, cleaned for its next use.</summary>
    internal void ReturnContext(LuaContext context)
    {
        if (ContextPool is null || IsClosed)
        {
            context.Dispose();
            return;
        }
        context.Abort();
        ContextPool.Return(context);
    }

    /// <summary>Creates an execution context on this state (<c>hlua_ctx_init</c>).</summary>
    /// <param name="timeout">Run time allowed to one call in this context;
    /// <see cref="Timeout.InfiniteTimeSpan"/> or zero for none.</param>
    public LuaContext CreateContext(TimeSpan timeout) => new(this, timeout);

    /// <summary>Runs a full garbage collection cycle.</summary>
    public void CollectGarbage()
    {
        lua_gc(Main, LUA_GCCOLLECT);
        _heldAfterCollection = MemoryBytes;
    }

    /// <summary>A call of this state failed, leaving what it built as garbage (a failed huge
    /// allocation, a table half filled): when the state holds more than twice what it held after
    /// its last full collection, and a megabyte more, it is collected now, rather than when later
    /// calls happen to allocate enough to drive Lua's incremental collector. <c>show lua</c> then
    /// sees the memory given back.</summary>
    public void CollectAfterFailure()
    {
        if (MemoryBytes > 2 * _heldAfterCollection + (1 << 20))
        {
            CollectGarbage();
        }
    }

    /// <summary>Closes the state: runs pending finalizers and gives all its memory back.
    /// Contexts made from it must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_main == 0)
        {
            return;
        }
        lua_close(_main);
        _main = 0;
        _self.Dispose();
        _allocator.StateClosed();
    }

    /// <summary>Pushes the failure marker and <paramref name="message"/> as the results of a C#
    /// function, which the Lua-side wrapper turns into an error.</summary>
    internal int PushFailure(nint thread, string message)
    {
        lua_settop(thread, 0);
        lua_rawgeti(thread, LUA_REGISTRYINDEX, _failureMarkerRef);
        PushString(thread, message);
        return 2;
    }

    /// <summary>Arms <paramref name="thread"/> to raise <paramref name="message"/> at its next
    /// instruction. Called from the count hook, so it must not raise itself.</summary>
    internal void ArmAbort(nint thread, string message)
    {
        lua_rawgeti(thread, LUA_REGISTRYINDEX, _abortRef);
        lua_pushthread(thread);
        PushString(thread, message);
        if (lua_pcall(thread, 2, 0, 0) != LUA_OK)
        {
            Logger.LogError("Lua state {StateId}: cannot abort a call past its timeout: {Error}", Id, ToManagedString(thread, -1));
            lua_pop(thread, 1);
        }
    }

    /// <summary>The state owning a Lua thread (main or coroutine).</summary>
    internal static LuaState FromThread(nint thread) => GCHandle<LuaState>.FromIntPtr(*ExtraSpace(thread)).Target;

    // The count hook (hlua_hook). Runs under native Lua frames: must never throw.
    [UnmanagedCallersOnly]
    internal static void CountHook(nint thread, nint debug)
    {
        bool mark = LuaAllocator.EnterManaged();
        try
        {
            FromThread(thread).Running?.OnCountHook(thread);
        }
        catch (Exception e)
        {
            Environment.FailFast("ActorProxy: exception in the Lua count hook", e);
        }
        finally
        {
            LuaAllocator.Restore(mark);
        }
    }

    // The one C function behind every exposed C# function; upvalue 1 is its index in _functions.
    // Runs under native Lua frames: must never throw, and never raise a Lua error.
    [UnmanagedCallersOnly]
    private static int CallExposed(nint thread)
    {
        bool mark = LuaAllocator.EnterManaged();
        try
        {
            LuaState state = FromThread(thread);
            var binding = state._functions[(int)lua_tointegerx(thread, UpvalueIndex(1), null)];
            try
            {
                return binding.Function(new LuaCall(thread, state, binding.Name));
            }
            catch (LuaArgumentException e)
            {
                return state.PushFailure(thread, e.Message);
            }
            catch (LuaScriptException e)
            {
                return state.PushFailure(thread, e.Message);
            }
            catch (Exception e)
            {
                state.Logger.LogError(e, "Lua state {StateId}: C# function '{Function}' failed", state.Id, binding.Name);
                return state.PushFailure(thread, $"{binding.Name}: internal error: {e.Message}");
            }
        }
        catch (Exception e)
        {
            Environment.FailFast("ActorProxy: the Lua bridge lost its state", e);
            return 0;
        }
        finally
        {
            LuaAllocator.Restore(mark);
        }
    }

    private void InstallPrelude()
    {
        nint L = _main;
        lua_createtable(L, 0, 0);
        _failureMarkerRef = luaL_ref(L, LUA_REGISTRYINDEX);

        int prelude = Load(PreludeSource, "=(actorproxy prelude)");
        lua_rawgeti(L, LUA_REGISTRYINDEX, prelude);
        luaL_unref(L, LUA_REGISTRYINDEX, prelude);
        lua_rawgeti(L, LUA_REGISTRYINDEX, _failureMarkerRef);
        if (lua_pcall(L, 1, 1, 0) != LUA_OK)
        {
            throw new LuaScriptException($"Lua state {Id}: prelude failed: {ToManagedString(L, -1)}");
        }
        _exposeRef = RefHelper(L, "expose");
        _abortRef = RefHelper(L, "abort");
        _prependPathRef = RefHelper(L, "prepend_path");
        lua_pop(L, 1);
    }

    private static int RefHelper(nint L, string name)
    {
        PushString(L, name);
        lua_rawget(L, -2);
        return luaL_ref(L, LUA_REGISTRYINDEX);
    }

    // Calls the helper below <nargs> arguments on the main thread, protected.
    private void CallHelper(nint L, int nargs, string what)
    {
        if (lua_pcall(L, nargs, 0, 0) != LUA_OK)
        {
            string message = ToManagedString(L, -1) ?? "unknown error";
            lua_pop(L, 1);
            throw new LuaScriptException($"Lua state {Id}: cannot {what}: {message}");
        }
    }

    private static string DisplayName(string chunkName) =>
        chunkName.StartsWith('@') || chunkName.StartsWith('=') ? chunkName[1..] : chunkName;

    private sealed record LuaApiBinding(string Name, LuaApiFunction Function);
}
