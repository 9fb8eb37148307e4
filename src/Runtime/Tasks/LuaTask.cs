using ActorProxy.Runtime.Lua;

namespace ActorProxy.Runtime.Tasks;

/// <summary>
/// A Lua task (<c>core.register_task</c>): a function run in its own context of the state that
/// registered it, in slices. Each <see cref="Step"/> runs until the task returns, fails, yields
/// or sleeps, and says when to run the next slice; the owner of the state schedules it. Its run
/// time over all slices is bounded by <c>tune.lua.task-timeout</c>.
/// </summary>
public sealed class LuaTask : IDisposable
{
    private readonly LuaState _state;
    private readonly int _function;
    private readonly LuaContext _context;
    private bool _started;

    /// <summary>Creates a task that will run <paramref name="function"/>, a reference it takes over.</summary>
    public LuaTask(long id, LuaState state, int function)
    {
        Id = id;
        _state = state;
        _function = function;
        _context = state.RentContext(state.Tune.TaskTimeout);
    }

    /// <summary>The task's number, unique in its process.</summary>
    public long Id { get; }

    /// <summary>The state it runs in: 0 shared, else the worker's number.</summary>
    public int StateId => _state.Id;

    /// <summary>How many slices it has run.</summary>
    public long Slices { get; private set; }

    /// <summary>Runs the next slice.</summary>
    public LuaTaskStep Step()
    {
        if (!_started)
        {
            _context.Start(_function);
            _started = true;
        }
        Slices++;
        var result = _context.Resume(yieldAllowed: true);
        return result switch
        {
            LuaExecResult.Ok => new LuaTaskStep(LuaTaskStepKind.Finished),
            LuaExecResult.Again when _context.PendingOperation is { } operation => new LuaTaskStep(LuaTaskStepKind.WaitOperation, Operation: operation),
            LuaExecResult.Again when _context.RequestedDelay is { } delay && delay > TimeSpan.Zero =>
                new LuaTaskStep(LuaTaskStepKind.ResumeAfter, delay),
            LuaExecResult.Again => new LuaTaskStep(LuaTaskStepKind.ResumeSoon),
            _ => new LuaTaskStep(LuaTaskStepKind.Failed, Error: _context.ErrorMessage ?? "unknown error"),
        };
    }

    /// <summary>Releases the context and the function.</summary>
    public void Dispose()
    {
        _state.ReturnContext(_context);
        if (!_state.IsClosed)
        {
            _state.Unref(_function);
        }
    }
}
