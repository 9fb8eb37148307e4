using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// One Lua state as the actor that owns it holds it: created from its files, its init functions
/// run once, its tasks and its TCP sessions. A worker holds one per Lua generation
/// (<c>lua-load-per-thread</c>), the shared state's singleton too (<c>lua-load</c>): one serving,
/// and during a reload the next one loading or the last one draining; the actor calls it from its
/// handlers, one at a time, so no lock.
/// </summary>
internal sealed class OwnedLuaState
{
    private readonly LuaEngine _engine;
    private readonly IReadOnlyList<LuaFile> _files;
    private readonly string _directive;
    private readonly ILogger _logger;
    private LoadedLuaState? _lua;
    private bool _initialized;
    private string _digest = "";

    /// <summary>State <paramref name="stateId"/> of <paramref name="generation"/>, loaded from
    /// <paramref name="files"/> (those of <paramref name="directive"/>), resuming through
    /// <paramref name="owner"/>'s mailbox and timers.</summary>
    public OwnedLuaState(LuaEngine engine, LuaGeneration generation, int stateId, int threadGroup, IReadOnlyList<LuaFile> files, string directive,
        IActorContext owner, ITimerScheduler timers, ILogger logger)
    {
        _engine = engine;
        Generation = generation;
        StateId = stateId;
        ThreadGroup = threadGroup;
        _files = files;
        _directive = directive;
        _logger = logger;
        var scheduler = new LuaStepScheduler(owner.Self, timers);
        Tasks = new LuaTasks(stateId, scheduler, owner.System.EventStream, logger);
        TcpSessions = new LuaTcpSessions(stateId, generation, scheduler, logger);
        Scheduler = scheduler;
    }

    /// <summary>The generation it belongs to, whose registry holds its functions.</summary>
    public LuaGeneration Generation { get; }

    /// <summary>0 for the shared state, the worker's number otherwise.</summary>
    public int StateId { get; }

    /// <summary>The worker's thread group (tgid); 0 for the shared state, which belongs to none.</summary>
    public int ThreadGroup { get; }

    /// <summary>Its tasks.</summary>
    public LuaTasks Tasks { get; }

    /// <summary>Its TCP services and CLI commands.</summary>
    public LuaTcpSessions TcpSessions { get; }

    /// <summary>How its stopped calls resume.</summary>
    public LuaStepScheduler Scheduler { get; }

    /// <summary>The loaded state.</summary>
    public LoadedLuaState Loaded => _lua ?? throw new InvalidOperationException($"Lua state {StateId} is not loaded yet.");

    /// <summary>True once loaded.</summary>
    public bool IsLoaded => _lua is not null;

    /// <summary>Boot step 1. Loading is idempotent: the shared state, booted by the first node of
    /// a cluster, answers the others' boots with what it registered (its function table).</summary>
    public LuaStateLoaded Load()
    {
        string[] files = [.. _files.Select(f => f.Name)];
        if (_lua is null)
        {
            _digest = LuaFilesDigest.Of(_files);
            try
            {
                _lua = LoadedLuaState.Create(_engine, Generation, StateId, _files, _directive);
            }
            catch (LuaScriptException e)
            {
                return new LuaStateLoaded(StateId, [], [e.Message], files, _digest);
            }
            finally
            {
                LuaRan();
            }
        }
        return new LuaStateLoaded(StateId, [.. Generation.Registry.Functions.Where(f => f.IsHere(StateId)).Select(f => new LuaFunctionName(f.Kind, f.Name))], [],
            files, _digest);
    }

    /// <summary>Boot step 2, once: the state's init functions.</summary>
    public LuaInitDone RunInit()
    {
        if (!_initialized)
        {
            _initialized = true;
            try
            {
                Loaded.Core.RunInitFunctions();
            }
            catch (LuaScriptException e)
            {
                return new LuaInitDone(StateId, [e.Message]);
            }
            finally
            {
                LuaRan();
            }
        }
        return new LuaInitDone(StateId, []);
    }

    /// <summary>Boot (or its reload) is over: its tasks start.</summary>
    public void StartTasks() => Tasks.Start(_lua);

    /// <summary>A reload replaced it: its tasks end and no new one starts; its transactions and
    /// sessions go on until they are over.</summary>
    public void Retire() => Tasks.EndAll();

    /// <summary>Loads the state from its files, runs its init functions and starts its tasks, as
    /// a boot would, when no boot will: the shared state's singleton moved to this node, or its
    /// actor was started again after a failure. A failure is logged; the state's functions then fail.</summary>
    public void LoadAsAtBoot(string why)
    {
        _logger.LogWarning("{Why}: loading Lua state {StateId} from its {Directive} files", why, StateId, _directive);
        try
        {
            _digest = LuaFilesDigest.Of(_files);
            _lua = LoadedLuaState.Create(_engine, Generation, StateId, _files, _directive);
            Loaded.Core.RunInitFunctions();
            _initialized = true;
            StartTasks();
            _logger.LogInformation("Lua state {StateId} loaded", StateId);
        }
        catch (Exception e) when (e is LuaScriptException or LuaBootException or IOException)
        {
            _logger.LogCritical(e, "Lua state {StateId} could not be loaded; its functions fail until the node restarts", StateId);
        }
    }

    /// <summary>Lua of this state just ran: the tasks it registered start (once boot is over).</summary>
    public void LuaRan() => Tasks.Adopt(_lua);

    /// <summary>Runs the next slice of a task.</summary>
    public void RunTaskSlice(ResumeLuaTask resume)
    {
        Tasks.RunSlice(resume.TaskId);
        LuaRan();
    }

    /// <summary>Starts a TCP service for the connection whose relay is <paramref name="output"/>.</summary>
    public void OpenTcpService(IActorRef output, StartTcpService start)
    {
        TcpSessions.Open(output, start.SessionId, write => Loaded.Tcp.Open(start.Service, start.Session.ToExchange(), write));
        LuaRan();
    }

    /// <summary>Starts a CLI command for the admin command whose relay is <paramref name="output"/>.</summary>
    public void OpenCli(IActorRef output, StartLuaCli start)
    {
        TcpSessions.Open(output, start.SessionId, write => Loaded.Tcp.OpenCli(start.Path, start.Arguments, write));
        LuaRan();
    }

    /// <summary>Bytes from a TCP service's client.</summary>
    public void TcpInput(IActorRef output, TcpServiceInput input)
    {
        TcpSessions.Input(output, input);
        LuaRan();
    }

    /// <summary>Runs the next slice of a TCP service or CLI command.</summary>
    public void RunTcpSession(ResumeTcpService resume)
    {
        TcpSessions.Run(resume.Output, resume.SessionId);
        LuaRan();
    }

    /// <summary>What <c>show lua</c> reports of it, with the number of older states its actor
    /// keeps for work in flight (<paramref name="draining"/>).</summary>
    public LuaStateStatus Status(int draining)
    {
        var (calls, errors, timeouts) = _lua?.Http.Counters ?? (0, 0, 0);
        int functions = Generation.Registry.Functions.Count(f => f.IsHere(StateId));
        return new LuaStateStatus(StateId, ThreadGroup, Environment.CurrentManagedThreadId,
            _lua?.State.MemoryBytes ?? 0, Tasks.Count, Tasks.Failed, functions, calls, errors, timeouts, Generation.Number, draining);
    }

    /// <summary>Ends its sessions and tasks and closes the state, its functions forgotten.</summary>
    public void Close()
    {
        TcpSessions.CloseAll();
        Tasks.EndAll();
        Generation.Registry.ForgetState(StateId);
        _engine.CloseState(StateId, Generation.Number);
    }
}
