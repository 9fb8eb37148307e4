using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Tasks;
using Akka.Event;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// The tasks a state registered (<c>core.register_task</c>), each pinned to the actor that owns
/// the state and run in slices, one slice per message, so that other work interleaves.
/// </summary>
internal sealed class LuaTasks(int stateId, LuaStepScheduler scheduler, EventStream events, ILogger logger)
{
    private static long s_nextTaskId;

    private readonly Dictionary<long, LuaTask> _tasks = [];

    /// <summary>Tasks alive.</summary>
    public int Count => _tasks.Count;

    /// <summary>Tasks that ended with an error.</summary>
    public long Failed { get; private set; }

    /// <summary>True once boot is over: tasks registered from then on start at once.</summary>
    public bool Started { get; private set; }

    /// <summary>Boot is over: the tasks registered so far start, as HAProxy starts them after init.</summary>
    public void Start(LoadedLuaState? lua)
    {
        Started = true;
        Adopt(lua);
    }

    /// <summary>Starts the tasks the code that just ran registered, once boot is over.</summary>
    public void Adopt(LoadedLuaState? lua)
    {
        if (!Started || lua is null)
        {
            return;
        }
        foreach (int function in lua.Core.TakeRegisteredTasks())
        {
            var task = new LuaTask(Interlocked.Increment(ref s_nextTaskId), lua.State, function);
            _tasks.Add(task.Id, task);
            scheduler.Resume(new LuaTaskStep(LuaTaskStepKind.ResumeSoon), new ResumeLuaTask(task.Id));
        }
    }

    /// <summary>Runs the next slice of task <paramref name="taskId"/>, if it is alive.</summary>
    public void RunSlice(long taskId)
    {
        if (!_tasks.TryGetValue(taskId, out var task))
        {
            return;
        }
        var step = task.Step();
        switch (step.Kind)
        {
            case LuaTaskStepKind.Finished:
                End(task, LuaTaskOutcome.Finished, null);
                break;
            case LuaTaskStepKind.Failed:
                Failed++;
                logger.LogError("Lua task {TaskId} (state {StateId}) failed: {Error}", taskId, stateId, step.Error);
                End(task, LuaTaskOutcome.Failed, step.Error);
                break;
            default:
                scheduler.Resume(step, new ResumeLuaTask(taskId));
                break;
        }
    }

    private void End(LuaTask task, LuaTaskOutcome outcome, string? error)
    {
        _tasks.Remove(task.Id);
        task.Dispose();
        events.Publish(new LuaTaskEnded(stateId, task.Id, outcome, error, Environment.CurrentManagedThreadId, task.Slices));
    }

    /// <summary>Ends every task, and starts no more: its state was replaced or is closing.</summary>
    public void EndAll()
    {
        Started = false;
        foreach (var task in _tasks.Values)
        {
            task.Dispose();
        }
        _tasks.Clear();
    }
}
