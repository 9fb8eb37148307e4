using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua.Api;
using ActorProxy.Runtime.Rules;
using ActorProxy.Runtime.Tasks;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// An actor that owns one Lua state: it creates and loads it, runs its init functions, and runs
/// its tasks in slices, each slice one message, so that other work interleaves. All Lua of the
/// state runs in this actor's handlers, one at a time: no lock.
/// </summary>
public abstract class LuaStateActor : ReceiveActor, IWithTimers
{
    private static long s_nextTaskId;

    private readonly LuaEngine _engine;
    private readonly IReadOnlyList<LuaFile> _files;
    private readonly string _directive;
    private readonly Dictionary<long, LuaTask> _tasks = [];
    private readonly Dictionary<long, Action> _waiting = [];
    private long _nextWait;
    private readonly Dictionary<(IActorRef Output, long Id), LuaTcpService> _services = [];
    private LoadedLuaState? _lua;
    private bool _tasksStarted;
    private bool _initialized;
    private string _digest = "";
    private long _tasksFailed;

    /// <summary>Creates the actor for state <paramref name="stateId"/>.</summary>
    protected LuaStateActor(LuaEngine engine, int stateId, int threadGroup, IReadOnlyList<LuaFile> files, string directive, ILogger logger)
    {
        _engine = engine;
        StateId = stateId;
        ThreadGroup = threadGroup;
        _files = files;
        _directive = directive;
        Logger = logger;

        Receive<LoadLuaState>(_ => Sender.Tell(Load()));
        Receive<RunLuaInit>(_ => Sender.Tell(RunInit()));
        Receive<StartLuaTasks>(_ =>
        {
            _tasksStarted = true;
            AdoptRegisteredTasks();
        });
        Receive<ResumeLuaTask>(message => RunSlice(message.TaskId));
        Receive<RunHttpRequest>(message => Drive(new FrontendRules(message.Frontend, message.Exchange, response: false), message.Completion));
        Receive<RunHttpResponse>(message => Drive(new FrontendRules(message.Frontend, message.Exchange, response: true), message.Completion));
        Receive<EndHttpTransaction>(message => _lua?.Http.Release(message.TransactionId));
        Receive<ResumeLuaCall>(message =>
        {
            if (_waiting.Remove(message.Id, out var resume))
            {
                resume();
            }
        });
        Receive<CallSharedLua>(CallHere);
        Receive<RunTcpAction>(message =>
        {
            try
            {
                WhenOver(LuaActions.RunAction(LuaFunctionKind.TcpRequestAction, message.Name, message.Session, message.Arguments), () => message.Completion.TrySetResult());
            }
            catch (Exception e)
            {
                message.Completion.TrySetException(e);
            }
        });
        Receive<StartTcpService>(start => Open(start.SessionId, Sender,
            output => Loaded.Tcp.Open(start.Service, start.Session.ToExchange(), output)));
        Receive<StartLuaCli>(start => Open(start.SessionId, Sender,
            output => Loaded.Tcp.OpenCli(start.Path, start.Arguments, output)));
        Receive<TcpServiceInput>(message =>
        {
            if (_services.TryGetValue((Sender, message.SessionId), out var service))
            {
                service.AddInput(message.Data, message.End);
                if (service.WaitsForInput)
                {
                    RunService((Sender, message.SessionId));
                }
            }
        });
        Receive<ResumeTcpService>(message => RunService((message.Output, message.SessionId)));
        Receive<TcpServiceClosed>(message => EndService((Sender, message.SessionId), null));
        Receive<GetLuaStateStatus>(_ =>
        {
            var (calls, errors) = _lua?.Http.Counters ?? (0, 0);
            int functions = _engine.Registry.Functions.Count(f => f.IsHere(StateId));
            Sender.Tell(new LuaStateStatus(StateId, ThreadGroup, Environment.CurrentManagedThreadId,
                _lua?.State.MemoryBytes ?? 0, _tasks.Count, _tasksFailed, functions, calls, errors));
        });
    }

    /// <summary>0 for the shared state, the worker's number otherwise.</summary>
    protected int StateId { get; }

    /// <summary>The worker's thread group (tgid); 0 for the shared state, which belongs to none.</summary>
    protected int ThreadGroup { get; }

    /// <summary>Where this actor logs.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The Lua functions this actor's rules call: its own state's by default.</summary>
    protected virtual ILuaActions LuaActions => Loaded.Http;

    /// <summary>The loaded state.</summary>
    protected LoadedLuaState Loaded => _lua ?? throw new InvalidOperationException($"Lua state {StateId} is not loaded yet.");

    // Opens a TCP service session or a CLI run and runs its first slice. A session is known by
    // its output (the relay actor of its connection, maybe on another node) and its number.
    private void Open(long sessionId, IActorRef output, Func<Action<ReadOnlyMemory<byte>>, LuaTcpService> open)
    {
        try
        {
            var service = open(data => output.Tell(new TcpServiceOutput(sessionId, data.ToArray())));
            _services.Add((output, sessionId), service);
            RunService((output, sessionId));
        }
        catch (LuaScriptException e)
        {
            output.Tell(new TcpServiceEnded(sessionId, e.Message));
        }
    }

    // One slice of a TCP service: it runs until it ends, fails, sleeps, is preempted, or waits
    // for its client.
    private void RunService((IActorRef Output, long Id) key)
    {
        if (!_services.TryGetValue(key, out var service))
        {
            return;
        }
        var step = service.Step();
        switch (step.Kind)
        {
            case LuaTaskStepKind.ResumeSoon:
                Self.Tell(new ResumeTcpService(key.Output, key.Id));
                break;
            case LuaTaskStepKind.ResumeAfter:
                Timers.StartSingleTimer(("tcp", key), new ResumeTcpService(key.Output, key.Id), step.Delay);
                break;
            case LuaTaskStepKind.WaitOperation:
                ResumeWhenDone(step.Operation!, new ResumeTcpService(key.Output, key.Id));
                break;
            case LuaTaskStepKind.Finished:
                EndService(key, null);
                break;
            case LuaTaskStepKind.Failed:
                Logger.LogError("Lua TCP service (state {StateId}, connection {SessionId}) failed: {Error}", StateId, key.Id, step.Error);
                EndService(key, step.Error);
                break;
        }
        AdoptRegisteredTasks();
    }

    private void EndService((IActorRef Output, long Id) key, string? error)
    {
        if (_services.Remove(key, out var service))
        {
            key.Output.Tell(new TcpServiceEnded(key.Id, error));
            service.Dispose();
        }
    }

    /// <inheritdoc/>
    protected override void PostStop()
    {
        foreach (var key in _services.Keys.ToArray())
        {
            EndService(key, null);
        }
        foreach (var task in _tasks.Values)
        {
            task.Dispose();
        }
        _tasks.Clear();
        _engine.Registry.ForgetState(StateId);
        _engine.CloseState(StateId);
        base.PostStop();
    }

    /// <summary>The actor failed and was restarted (its old state was closed when it stopped):
    /// the state is loaded again from its files and its init functions and tasks run again, as
    /// at boot, so that it serves again rather than staying unloaded.</summary>
    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        Logger.LogError(reason, "Lua state {StateId} failed and was restarted", StateId);
        LoadAsAtBoot($"Lua state {StateId} was restarted after a failure");
    }

    /// <summary>Loads the state from its files, runs its init functions and starts its tasks, as
    /// a boot would, when no boot will: after a failure, or when the shared state's singleton
    /// moves to this node. A failure is logged; the state's functions then fail.</summary>
    protected void LoadAsAtBoot(string why)
    {
        if (_lua is not null)
        {
            // Loaded already: the shared state's PreStart, which a restart runs too, did it.
            return;
        }
        Logger.LogWarning("{Why}: loading Lua state {StateId} from its {Directive} files", why, StateId, _directive);
        try
        {
            _digest = LuaFilesDigest.Of(_files);
            _lua = LoadedLuaState.Create(_engine, StateId, _files, _directive);
            Loaded.Core.RunInitFunctions();
            _initialized = _tasksStarted = true;
            AdoptRegisteredTasks();
            Logger.LogInformation("Lua state {StateId} loaded", StateId);
        }
        catch (Exception e) when (e is LuaScriptException or LuaBootException or IOException)
        {
            Logger.LogCritical(e, "Lua state {StateId} could not be loaded; its functions fail until the node restarts", StateId);
        }
    }

    // Runs a function of this state for another actor (the shared state serving a worker) on
    // a copy of its transaction, and answers with the copy as Lua left it.
    private void CallHere(CallSharedLua call)
    {
        var http = Loaded.Http;
        var exchange = call.Exchange.ToExchange();
        var replyTo = Sender;
        // A private value set here lives for this call only: the transaction's end is the worker's.
        void Answer(object? sample)
        {
            http.Release(exchange.Id);
            replyTo.Tell(new SharedLuaResult(HttpExchangeSnapshot.Of(exchange), sample, exchange.Reply is { } reply ? HttpReplySnapshot.Of(reply) : null));
        }

        switch (call.Kind)
        {
            case var kind when kind.IsAction():
                WhenOver(http.RunAction(kind, call.Name, exchange, call.Arguments), () => Answer(null));
                break;
            case LuaFunctionKind.Service:
                WhenOver(http.RunService(call.Name, exchange), () => Answer(null));
                break;
            case LuaFunctionKind.SampleFetch:
                Answer(http.Fetch(call.Name, exchange, call.Arguments));
                break;
            default:
                Answer(call.Input is null ? null : http.Convert(call.Name, exchange, call.Input, call.Arguments));
                break;
        }
    }

    // Rules run until they are over or a Lua call waits; then they go on when the wait is over.
    private void Drive(FrontendRules rules, TaskCompletionSource completion)
    {
        try
        {
            if (rules.Continue(LuaActions))
            {
                completion.TrySetResult();
            }
            else
            {
                WaitThen(rules.Exchange.Suspension!.Wait, () => Drive(rules, completion));
            }
        }
        catch (Exception e)
        {
            completion.TrySetException(e);
        }
        AdoptRegisteredTasks();
    }

    // Calls done once a Lua action (or service) that may have yielded is over.
    private void WhenOver(IWaitingCall? waiting, Action done)
    {
        if (waiting is null)
        {
            done();
        }
        else
        {
            WaitThen(waiting.Wait, () => WhenOver(waiting.Resume() ? null : waiting, done));
        }
    }

    // Calls resume once the wait a Lua call asked for is over: at once (after the mailbox had
    // its turn), after a delay, or when an I/O operation completes.
    private void WaitThen(LuaTaskStep wait, Action resume)
    {
        long id = ++_nextWait;
        _waiting.Add(id, resume);
        var message = new ResumeLuaCall(id);
        switch (wait.Kind)
        {
            case LuaTaskStepKind.ResumeAfter:
                Timers.StartSingleTimer(("call", id), message, wait.Delay);
                break;
            case LuaTaskStepKind.WaitOperation:
                ResumeWhenDone(wait.Operation!, message);
                break;
            default:
                Self.Tell(message);
                break;
        }
    }

    // Boot step 1. Loading is idempotent: the shared state, booted by the first node of a
    // cluster, answers the others' boots with what it registered.
    private LuaStateLoaded Load()
    {
        string[] files = [.. _files.Select(f => f.Name)];
        if (_lua is null)
        {
            _digest = LuaFilesDigest.Of(_files);
            try
            {
                _lua = LoadedLuaState.Create(_engine, StateId, _files, _directive);
            }
            catch (LuaScriptException e)
            {
                return new LuaStateLoaded(StateId, [], [e.Message], files, _digest);
            }
            finally
            {
                AdoptRegisteredTasks();
            }
        }
        return new LuaStateLoaded(StateId, [.. _engine.Registry.Functions.Where(f => f.IsHere(StateId)).Select(f => new LuaFunctionName(f.Kind, f.Name))], [],
            files, _digest);
    }

    // Boot step 2, once: the shared state's init functions run on the node that loaded it.
    private LuaInitDone RunInit()
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
                AdoptRegisteredTasks();
            }
        }
        return new LuaInitDone(StateId, []);
    }

    // Tasks registered by the code that just ran start once boot is over (as HAProxy starts
    // them after init), each pinned to this actor: the state that registered it.
    private void AdoptRegisteredTasks()
    {
        if (!_tasksStarted || _lua is null)
        {
            return;
        }
        foreach (int function in _lua.Core.TakeRegisteredTasks())
        {
            var task = new LuaTask(Interlocked.Increment(ref s_nextTaskId), _lua.State, function);
            _tasks.Add(task.Id, task);
            Self.Tell(new ResumeLuaTask(task.Id));
        }
    }

    private void RunSlice(long taskId)
    {
        if (!_tasks.TryGetValue(taskId, out var task))
        {
            return;
        }
        var step = task.Step();
        switch (step.Kind)
        {
            case LuaTaskStepKind.ResumeSoon:
                Self.Tell(new ResumeLuaTask(taskId));
                break;
            case LuaTaskStepKind.ResumeAfter:
                Timers.StartSingleTimer(taskId, new ResumeLuaTask(taskId), step.Delay);
                break;
            case LuaTaskStepKind.WaitOperation:
                ResumeWhenDone(step.Operation!, new ResumeLuaTask(taskId));
                break;
            case LuaTaskStepKind.Finished:
                End(task, LuaTaskOutcome.Finished, null);
                break;
            case LuaTaskStepKind.Failed:
                _tasksFailed++;
                Logger.LogError("Lua task {TaskId} (state {StateId}) failed: {Error}", taskId, StateId, step.Error);
                End(task, LuaTaskOutcome.Failed, step.Error);
                break;
        }
        AdoptRegisteredTasks();
    }

    // An I/O completion is a message like any other: Lua resumes on this actor's thread.
    private void ResumeWhenDone(Task operation, object resume)
    {
        var self = Self;
        operation.ContinueWith(_ => self.Tell(resume), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void End(LuaTask task, LuaTaskOutcome outcome, string? error)
    {
        _tasks.Remove(task.Id);
        task.Dispose();
        Context.System.EventStream.Publish(new LuaTaskEnded(StateId, task.Id, outcome, error, Environment.CurrentManagedThreadId, task.Slices));
    }
}
