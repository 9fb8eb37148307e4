using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Runtime.Lua;

/// <summary>
/// The process's Lua: the allocator every state shares, the <c>tune.lua.*</c> settings, the
/// <c>lua-prepend-path</c> entries, and the states (shared = 0, worker i = i) of each
/// <see cref="LuaGeneration"/>: the one loaded at boot, then one per reload, each with its own
/// registry of named functions. Two generations live side by side while the older drains.
/// </summary>
/// <remarks>Creating states is thread-safe, so workers may create their own. Prepend paths are
/// boot-time directives: they apply to every state alive when added and every state created after.</remarks>
public sealed class LuaEngine : IDisposable
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<(int Generation, int Id), LuaState> _states = [];
    private readonly SortedDictionary<int, LuaGeneration> _generations = [];
    private LuaGeneration _current;
    // Numbers are never used twice, so that nothing of a failed reload is taken for the next.
    private int _lastGeneration = 1;
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
        _current = new LuaGeneration(1, 1, NewRegistry());
        _generations.Add(1, _current);
    }

    /// <summary>The <c>tune.lua.*</c> settings.</summary>
    public LuaTune Tune { get; }

    /// <summary>The configuration's maps, which <c>core.set_map</c> and <c>core.del_map</c> change.</summary>
    public Samples.MapReferences Maps { get; init; } = new();

    /// <summary>The node's proxies, which <c>core.proxies</c> shows; none when the engine runs no
    /// configuration's proxies.</summary>
    public Stats.ProxyDirectory? Proxies { get; init; }

    /// <summary><c>tune.bufsize</c>: what HAProxy's Lua classes copy into a buffer must be shorter.</summary>
    public int BufferSize { get; init; } = new Config.HttpTune().BufSize;

    /// <summary>The allocator every state shares.</summary>
    public LuaAllocator Allocator { get; }

    /// <summary>The process's memory pools (seed 003): Lua contexts, buffers, transactions.</summary>
    public Pools.PoolRegistry Pools { get; } = new();

    /// <summary>The generation new work starts on.</summary>
    public LuaGeneration CurrentGeneration => Volatile.Read(ref _current);

    /// <summary>The current generation's functions, registered by name with a reference per state.</summary>
    public LuaFunctionRegistry Registry => CurrentGeneration.Registry;

    /// <summary>The generations alive: the current one, one being loaded, older ones draining.</summary>
    public IReadOnlyList<LuaGeneration> Generations
    {
        get
        {
            lock (_lock)
            {
                return [.. _generations.Values];
            }
        }
    }

    /// <summary>Starts loading a new generation beside the current one: its number is one more
    /// than any so far, failed reloads included. <paramref name="withSharedState"/> when it loads the shared state too;
    /// otherwise its workers go on calling the current generation's shared state.</summary>
    public LuaGeneration BeginGeneration(bool withSharedState)
    {
        lock (_lock)
        {
            int number = ++_lastGeneration;
            var generation = new LuaGeneration(number, withSharedState ? number : _current.SharedNumber, NewRegistry());
            _generations.Add(number, generation);
            return generation;
        }
    }

    /// <summary>Generation <paramref name="number"/> if it is alive, else null.</summary>
    public LuaGeneration? FindGeneration(int number)
    {
        lock (_lock)
        {
            return _generations.GetValueOrDefault(number);
        }
    }

    /// <summary>New work starts on <paramref name="generation"/> from now on; the current one is retired.</summary>
    public void SwitchTo(LuaGeneration generation)
    {
        LuaGeneration previous;
        lock (_lock)
        {
            if (!_generations.ContainsKey(generation.Number))
            {
                throw new InvalidOperationException($"{generation} is not alive.");
            }
            previous = _current;
            Volatile.Write(ref _current, generation);
        }
        previous.Retire();
    }

    /// <summary>Forgets a generation whose states are closed: one drained after a reload, or one
    /// a reload failed to load. The current generation stays.</summary>
    public void EndGeneration(LuaGeneration generation)
    {
        lock (_lock)
        {
            if (generation != _current)
            {
                _generations.Remove(generation.Number);
            }
        }
    }

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

    /// <summary>Creates state <paramref name="id"/> of generation <paramref name="generation"/>
    /// (<c>hlua_init_state</c>) with every prepend path applied.</summary>
    /// <exception cref="InvalidOperationException">State <paramref name="id"/> of that generation exists.</exception>
    public LuaState CreateState(int id, int generation = 1)
    {
        lock (_lock)
        {
            if (_states.ContainsKey((generation, id)))
            {
                throw new InvalidOperationException($"Lua state {id} of generation {generation} already exists.");
            }
            var state = new LuaState(id, Allocator, Tune, _time, _loggers.CreateLogger($"ActorProxy.Lua.State{id}"));
            // A context belongs to its state: one pool per state. The size counts the
            // coroutine's base allocation in Lua (about 1 KiB).
            // A reloaded state gets pools of its own, since a pool's objects are its state's.
            string pool = generation == 1 ? $"lua_ctx.{id}" : $"lua_ctx.{id}.g{generation}";
            state.ContextPool = Pools.Create(pool, 1024, () => state.CreateContext(Timeout.InfiniteTimeSpan));
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
            _states.Add((generation, id), state);
            return state;
        }
    }

    /// <summary>Closes state <paramref name="id"/> of generation <paramref name="generation"/> and
    /// forgets it; does nothing if there is none.</summary>
    public void CloseState(int id, int generation = 1)
    {
        lock (_lock)
        {
            if (_states.Remove((generation, id), out var state))
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

    private LuaFunctionRegistry NewRegistry() => new(_loggers.CreateLogger<LuaFunctionRegistry>());

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
