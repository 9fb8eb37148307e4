using Microsoft.Extensions.Logging;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// HAProxy's <c>core</c> class in one state: logging, <c>core.thread</c> and the
/// <c>core.register_*</c> functions, which record each registration in the
/// <see cref="LuaFunctionRegistry"/> under this state's id.
/// </summary>
public sealed class LuaCoreApi
{
    private static readonly byte[] CoreSource = LuaResources.Read("ActorProxy.Runtime.Lua.Api.Core.lua");

    private const string Internal = "__actorproxy";


    private readonly LuaState _state;
    private readonly LuaFunctionRegistry _registry;
    private readonly List<int> _initFunctions = [];
    private readonly List<int> _pendingTasks = [];

    private LuaCoreApi(LuaState state, LuaFunctionRegistry registry)
    {
        _state = state;
        _registry = registry;
    }

    /// <summary>The <c>core.register_init</c> functions of this state, in registration order.</summary>
    public IReadOnlyList<int> InitFunctions => _initFunctions;

    /// <summary>The state this <c>core</c> lives in.</summary>
    public LuaState State => _state;

    /// <summary>Hands over the functions <c>core.register_task</c> registered since the last
    /// call; the caller owns the references (see <see cref="Tasks.LuaTask"/>).</summary>
    public IReadOnlyList<int> TakeRegisteredTasks()
    {
        if (_pendingTasks.Count == 0)
        {
            return [];
        }
        int[] tasks = [.. _pendingTasks];
        _pendingTasks.Clear();
        return tasks;
    }

    /// <summary>Installs <c>core</c> into <paramref name="state"/>.</summary>
    public static LuaCoreApi Install(LuaState state, LuaFunctionRegistry registry)
    {
        var api = new LuaCoreApi(state, registry);
        state.Expose("core", "log", api.Log);
        state.Expose("core", "register_init", api.RegisterInit);
        state.Expose("core", "register_action", api.RegisterAction);
        state.Expose("core", "register_fetches", call => api.RegisterNamed(call, LuaFunctionKind.SampleFetch));
        state.Expose("core", "register_converters", call => api.RegisterNamed(call, LuaFunctionKind.Converter));
        state.Expose("core", "register_service", api.RegisterService);
        state.Expose("core", "register_cli", api.RegisterCli);
        // Helpers the Lua side of core wraps; Core.lua takes them out of the globals.
        state.Expose(Internal, "register_task", api.RegisterTask);
        state.Expose(Internal, "request_delay", api.RequestDelay);
        state.Expose(Internal, "request_finish", call =>
        {
            call.State.Running?.RequestFinish();
            return call.Return();
        });
        state.Expose("core", "now", call =>
        {
            long microseconds = (call.State.Time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
            return call.Return(microseconds / 1_000_000) + call.Return(microseconds % 1_000_000);
        });
        LuaCoreHelpers.Install(state, Internal);

        state.RunModule(CoreSource, "core", 0, state.Id);
        return api;
    }

    /// <summary>Runs every <c>core.register_init</c> function of this state, in order (the
    /// per-state part of <c>hlua_post_init</c>).</summary>
    /// <exception cref="LuaScriptException">One failed; the message names the state.</exception>
    public void RunInitFunctions()
    {
        foreach (int function in _initFunctions)
        {
            try
            {
                _state.Run(function);
            }
            catch (LuaScriptException e)
            {
                throw new LuaScriptException($"Lua init (state {_state.Id}): {e.Message}", e);
            }
        }
    }

    // core.log(level, message)
    private int Log(LuaCall call)
    {
        long level = call.GetInteger(1);
        string message = call.GetString(2);
        if (level is < 0 or > 7)
        {
            return call.Fail($"core.log: invalid log level {level}: use core.emerg (0) to core.debug (7)");
        }
        _state.Logger.Log(ToLogLevel(level), "[lua state {StateId}] {Message}", _state.Id, message);
        return call.Return();
    }

    // core.register_init(func)
    private int RegisterInit(LuaCall call)
    {
        if (!CheckBoot(call, out int refused))
        {
            return refused;
        }
        _initFunctions.Add(call.RefFunction(1));
        return call.Return();
    }

    // core.register_task(func, ...): the Lua side binds the arguments into func.
    private int RegisterTask(LuaCall call)
    {
        _pendingTasks.Add(call.RefFunction(1));
        return call.Return();
    }

    // The first half of core.sleep / core.msleep / core.yield: say how long to wait; the Lua
    // side then yields. Where yielding is not allowed the yield fails with "yield not allowed".
    private int RequestDelay(LuaCall call)
    {
        long milliseconds = call.GetInteger(1);
        if (milliseconds < 0)
        {
            return call.Fail($"{call.Name}: the delay must not be negative, got {milliseconds} ms");
        }
        call.State.Running?.RequestDelay(TimeSpan.FromMilliseconds(milliseconds));
        return call.Return();
    }

    // core.register_action(name, actions, func [, nb_args])
    private int RegisterAction(LuaCall call)
    {
        if (!CheckBoot(call, out int refused))
        {
            return refused;
        }
        string name = call.GetString(1);
        var kinds = new List<LuaFunctionKind>();
        foreach (string environment in call.GetStringArray(2))
        {
            if (LuaFunctionKinds.OfEnvironment(environment) is not { } kind)
            {
                return call.Fail($"core.register_action: action '{name}': unknown environment '{environment}'; " +
                    "expected tcp-req, tcp-res, http-req, http-res or http-after-res");
            }
            kinds.Add(kind);
        }
        if (!call.IsNoneOrNil(4) && call.GetInteger(4) < 0)
        {
            return call.Fail($"core.register_action: action '{name}': nb_args must not be negative");
        }
        // One reference per environment: each is its own registration, released on its own.
        foreach (var kind in kinds)
        {
            Record(call, kind, name, call.RefFunction(3));
        }
        return call.Return();
    }

    // core.register_fetches(name, func) and core.register_converters(name, func)
    private int RegisterNamed(LuaCall call, LuaFunctionKind kind)
    {
        if (!CheckBoot(call, out int refused))
        {
            return refused;
        }
        string name = call.GetString(1);
        Record(call, kind, name, call.RefFunction(2));
        return call.Return();
    }

    // core.register_service(name, mode, func)
    private int RegisterService(LuaCall call)
    {
        if (!CheckBoot(call, out int refused))
        {
            return refused;
        }
        string name = call.GetString(1);
        string mode = call.GetString(2);
        if (mode is not ("http" or "tcp"))
        {
            return call.Fail($"core.register_service: service '{name}': unknown mode '{mode}'; expected 'tcp' or 'http'");
        }
        Record(call, LuaFunctionKind.Service, name, call.RefFunction(3));
        return call.Return();
    }

    // core.register_cli(path, usage, func)
    private int RegisterCli(LuaCall call)
    {
        if (!CheckBoot(call, out int refused))
        {
            return refused;
        }
        var path = call.GetStringArray(1);
        if (path.Count is 0 or > 5)
        {
            return call.Fail("core.register_cli: the command path must have 1 to 5 words");
        }
        call.GetString(2);
        Record(call, LuaFunctionKind.CliKeyword, string.Join(' ', path), call.RefFunction(3));
        return call.Return();
    }

    private void Record(LuaCall call, LuaFunctionKind kind, string name, int function)
    {
        var registration = _registry.Register(kind, name, _state.Id, function);
        if (registration.Outcome == LuaRegistrationOutcome.Replaced)
        {
            call.State.Unref(registration.ReplacedReference);
        }
    }

    private bool CheckBoot(LuaCall call, out int refused)
    {
        if (_state.IsBootComplete && !_state.LoadingFiles)
        {
            refused = call.Fail($"{call.Name}: registrations are only allowed while ActorProxy starts (in a lua-load file's body)");
            return false;
        }
        refused = 0;
        return true;
    }

    /// <summary>A syslog level (0 emerg … 7 debug) as a <see cref="LogLevel"/>.</summary>
    internal static LogLevel ToLogLevel(long level) => level switch
    {
        <= 2 => LogLevel.Critical,
        3 => LogLevel.Error,
        4 => LogLevel.Warning,
        5 or 6 => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
