using ActorProxy.Runtime.Tasks;
using Akka.Actor;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// Turns the wait a stopped Lua step asked for into a message to the actor that owns its state:
/// at once (after the mailbox had its turn), after a delay (a timer), or when an I/O operation
/// completes. Tasks, TCP sessions, rule runs and shared-state calls all wait through it, so Lua
/// always resumes in one of the actor's handlers, on the actor's thread.
/// </summary>
internal sealed class LuaStepScheduler(IActorRef self, ITimerScheduler timers)
{
    /// <summary>Sends <paramref name="resume"/> to the actor when <paramref name="wait"/> is over.
    /// The message is its own timer key: it names what waits, and one thing waits once.</summary>
    public void Resume(LuaTaskStep wait, object resume)
    {
        switch (wait.Kind)
        {
            case LuaTaskStepKind.ResumeAfter:
                timers.StartSingleTimer(resume, resume, wait.Delay);
                break;
            case LuaTaskStepKind.WaitOperation:
                wait.Operation!.ContinueWith(_ => self.Tell(resume), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                break;
            case LuaTaskStepKind.ResumeSoon:
                self.Tell(resume);
                break;
            case LuaTaskStepKind.WaitInput:
                // The client's next bytes are the message that resumes it.
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(wait), wait.Kind, "A step that is over does not wait.");
        }
    }
}
