using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Runtime.Lua;

/// <summary>
/// Every function registered by name from Lua, with one reference per state (shared = 0,
/// worker i = i), and the boot-time consistency check of <c>hlua_post_init</c> (seed 000).
/// </summary>
/// <remarks>Thread-safe: per-thread states may load their files concurrently.</remarks>
public sealed class LuaFunctionRegistry
{
    private readonly Dictionary<(LuaFunctionKind, string), LuaRegisteredFunction> _functions = [];
    private readonly Lock _lock = new();
    private readonly ILogger _logger;

    /// <summary>Creates an empty registry.</summary>
    public LuaFunctionRegistry(ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>All registered functions, in no particular order.</summary>
    public IReadOnlyList<LuaRegisteredFunction> Functions
    {
        get
        {
            lock (_lock)
            {
                return [.. _functions.Values];
            }
        }
    }

    /// <summary>Records that state <paramref name="stateId"/> registered <paramref name="name"/> as
    /// <paramref name="reference"/>. Registering a name again from the same state replaces its
    /// reference and logs a warning, as HAProxy does; from another state it adds that state's.</summary>
    public LuaRegistration Register(LuaFunctionKind kind, string name, int stateId, int reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(stateId);
        ArgumentOutOfRangeException.ThrowIfNegative(reference);
        lock (_lock)
        {
            if (!_functions.TryGetValue((kind, name), out var function))
            {
                function = new LuaRegisteredFunction(kind, name);
                _functions.Add((kind, name), function);
                function.SetReference(stateId, reference);
                return new LuaRegistration(function, LuaRegistrationOutcome.Added, LuaRegisteredFunction.NoReference);
            }
            int previous = function.SetReference(stateId, reference);
            if (previous is LuaRegisteredFunction.NoReference or LuaRegisteredFunction.Elsewhere)
            {
                return new LuaRegistration(function, LuaRegistrationOutcome.AddedState, previous);
            }
            _logger.LogWarning("Lua state {StateId}: trying to register {Function} more than once; the last registration wins.", stateId, function);
            return new LuaRegistration(function, LuaRegistrationOutcome.Replaced, previous);
        }
    }

    /// <summary>Records that state <paramref name="stateId"/> registered <paramref name="name"/>
    /// on another node (the shared state's function table, published by the singleton), so
    /// that this node's rules may call it there and its consistency check counts it.</summary>
    public void RegisterElsewhere(LuaFunctionKind kind, string name, int stateId)
    {
        lock (_lock)
        {
            if (!_functions.TryGetValue((kind, name), out var function))
            {
                function = new LuaRegisteredFunction(kind, name);
                _functions.Add((kind, name), function);
            }
            if (!function.IsIn(stateId))
            {
                function.SetReference(stateId, LuaRegisteredFunction.Elsewhere);
            }
        }
    }

    /// <summary>State <paramref name="stateId"/> is closed: none of its references is valid any
    /// more, so every function forgets it (a reloaded state registers afresh).</summary>
    public void ForgetState(int stateId)
    {
        lock (_lock)
        {
            foreach (var function in _functions.Values)
            {
                function.SetReference(stateId, LuaRegisteredFunction.NoReference);
            }
        }
    }

    /// <summary>The function registered as <paramref name="name"/>, or null.</summary>
    public LuaRegisteredFunction? Find(LuaFunctionKind kind, string name)
    {
        lock (_lock)
        {
            return _functions.GetValueOrDefault((kind, name));
        }
    }

    /// <summary>Checks the rules of seed 000 once every state has loaded: a function is either in
    /// the shared state only, or in every per-thread state 1..<paramref name="threads"/> and not
    /// the shared one. Returns every violation, sorted by name; empty when all is well.</summary>
    public IReadOnlyList<LuaConsistencyError> CheckConsistency(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var errors = new List<LuaConsistencyError>();
        foreach (var function in Functions.OrderBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Kind))
        {
            var present = new List<int>();
            var absent = new List<int>();
            for (int thread = 1; thread <= threads; thread++)
            {
                (function.IsIn(thread) ? present : absent).Add(thread);
            }
            if (present.Count > 0 && absent.Count > 0)
            {
                errors.Add(new LuaConsistencyError(function, LuaConsistencyRule.NotInEveryThread,
                    $"Lua {function} is registered in thread state(s) {string.Join(", ", present)} but not in {string.Join(", ", absent)}: " +
                    "a lua-load-per-thread function must be registered by every thread's state or by none."));
            }
            if (present.Count > 0 && function.IsIn(0))
            {
                errors.Add(new LuaConsistencyError(function, LuaConsistencyRule.SharedAndPerThread,
                    $"Lua {function} is registered both in the shared state (lua-load) and in per-thread states (lua-load-per-thread): " +
                    "the two are exclusive; register it from one of them only."));
            }
        }
        return errors;
    }

    /// <summary>The kind as HAProxy's messages name it.</summary>
    internal static string Describe(LuaFunctionKind kind) => kind switch
    {
        _ when kind.IsAction() => "action",
        LuaFunctionKind.SampleFetch => "sample-fetch",
        LuaFunctionKind.Converter => "converter",
        LuaFunctionKind.Service => "service",
        LuaFunctionKind.CliKeyword => "CLI keyword",
        _ => kind.ToString(),
    };
}
