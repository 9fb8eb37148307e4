using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Runtime.Lua;

/// <summary>
/// The process's Lua: the allocator every state shares, the <c>tune.lua.*</c> settings, the
/// <c>lua-prepend-path</c> entries, the registry of named functions, and the states made from them
/// (shared = 0, worker i = i).
/// </summary>
/// <remarks>Creating states is thread-safe, so workers may create their own. Prepend paths are
/// boot-time directives: they apply to every state alive when added and every state created after.</remarks>
public sealed class LuaEngine : IDisposable
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<int, LuaState> _states = [];
    private readonly List<LuaPrependPath> _prependPaths = [];
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    /// <summary>Creates the engine in its boot phase; <c>tune.lua.maxmem</c> applies from now on.</summary>
    public LuaEngine(LuaTune tune, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        Tune = tune;
        _time = time ?? TimeProvider.System;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        Allocator = new LuaAllocator();
        Allocator.SetLimit(tune.MaxMem);
        Registry = new LuaFunctionRegistry(_loggers.CreateLogger<LuaFunctionRegistry>());
    }

    /// <summary>The <c>tune.lua.*</c> settings.</summary>
    public LuaTune Tune { get; }

    /// <summary>The allocator every state shares.</summary>
    public LuaAllocator Allocator { get; }

    /// <summary>The process's memory pools (seed 003): Lua contexts, buffers, transactions.</summary>
    public Pools.PoolRegistry Pools { get; } = new();

    /// <summary>Functions registered by name, with a reference per state.</summary>
    public LuaFunctionRegistry Registry { get; }

    /// <summary>The live states, by id.</summary>
    public IReadOnlyList<LuaState> States
    {
        get
        {
            lock (_lock)
            {
                return [.. _states.Values];
            }
        }
    }

    /// <summary>Adds a <c>lua-prepend-path</c> entry and applies it to every live state.</summary>
    /// <exception cref="InvalidOperationException">Boot is complete.</exception>
    public void AddPrependPath(LuaPrependPath entry)
    {
        lock (_lock)
        {
            if (Allocator.IsBootComplete)
            {
                throw new InvalidOperationException("lua-prepend-path is a boot-time directive; boot is complete.");
            }
            _prependPaths.Add(entry);
            foreach (var state in _states.Values)
            {
                state.PrependPath(entry);
            }
        }
    }

    /// <summary>Creates state <paramref name="id"/> (<c>hlua_init_state</c>) with every prepend path applied.</summary>
    /// <exception cref="InvalidOperationException">State <paramref name="id"/> exists.</exception>
    public LuaState CreateState(int id)
    {
        lock (_lock)
        {
            if (_states.ContainsKey(id))
            {
                throw new InvalidOperationException($"Lua state {id} already exists.");
            }
            var state = new LuaState(id, Allocator, Tune, _time, _loggers.CreateLogger($"ActorProxy.Lua.State{id}"));
            // A context belongs to its state: one pool per state. The size counts the
            // coroutine's base allocation in Lua (about 1 KiB).
            state.ContextPool = Pools.Create($"lua_ctx.{id}", 1024, () => state.CreateContext(Timeout.InfiniteTimeSpan));
            try
            {
                if (!Allocator.IsAccounting)
                {
                    state.UseSystemAllocator();
                }
                foreach (var entry in _prependPaths)
                {
                    state.PrependPath(entry);
                }
            }
            catch
            {
                state.Dispose();
                throw;
            }
            _states.Add(id, state);
            return state;
        }
    }

    /// <summary>Closes state <paramref name="id"/> and forgets it; does nothing if there is none.</summary>
    public void CloseState(int id)
    {
        lock (_lock)
        {
            if (_states.Remove(id, out var state))
            {
                // Its pooled contexts live in the state: they go first, while it is open.
                if (state.ContextPool is { } contexts)
                {
                    Pools.Release(contexts);
                }
                state.Dispose();
            }
        }
    }

    /// <summary>Ends the boot phase (see <see cref="LuaAllocator.CompleteBoot"/>). With no
    /// <c>tune.lua.maxmem</c>, every state then allocates straight from the C allocator.
    /// States must be idle: call it between boot and traffic.</summary>
    public void CompleteBoot()
    {
        lock (_lock)
        {
            Allocator.CompleteBoot();
            if (!Allocator.IsAccounting)
            {
                foreach (var state in _states.Values)
                {
                    state.UseSystemAllocator();
                }
            }
        }
    }

    /// <summary>Closes every state, then the allocator.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var state in _states.Values)
            {
                state.Dispose();
            }
            _states.Clear();
        }
        Allocator.Dispose();
    }
}
