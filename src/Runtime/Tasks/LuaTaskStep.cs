namespace ActorProxy.Runtime.Tasks;

/// <summary>What a task's owner must do after one <see cref="LuaTask.Step"/>.</summary>
public enum LuaTaskStepKind
{
    /// <summary>The task returned: it is over.</summary>
    Finished,

    /// <summary>The task failed (error, timeout, yield where not allowed): it is over; see <see cref="LuaTaskStep.Error"/>.</summary>
    Failed,

    /// <summary>The task yielded (forced or <c>core.yield</c>): resume it once pending work has had its turn.</summary>
    ResumeSoon,

    /// <summary>The task sleeps: resume it after <see cref="LuaTaskStep.Delay"/>.</summary>
    ResumeAfter,

    /// <summary>A service waits for its client: resume it when more input or the end of the stream arrives.</summary>
    WaitInput,

    /// <summary>Lua waits for an I/O operation (a socket): resume it when <see cref="LuaTaskStep.Operation"/> completes.</summary>
    WaitOperation,
}

/// <summary>The outcome of one slice of a task's run.</summary>
/// <param name="Kind">What to do next.</param>
/// <param name="Delay">For <see cref="LuaTaskStepKind.ResumeAfter"/>, how long to wait.</param>
/// <param name="Error">For <see cref="LuaTaskStepKind.Failed"/>, the context's message.</param>
/// <param name="Operation">For <see cref="LuaTaskStepKind.WaitOperation"/>, what Lua waits for.</param>
public readonly record struct LuaTaskStep(LuaTaskStepKind Kind, TimeSpan Delay = default, string? Error = null, Task? Operation = null);
