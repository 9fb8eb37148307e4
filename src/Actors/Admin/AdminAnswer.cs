using System.Text;
using Akka.Actor;

namespace ActorProxy.Actors.Admin;

/// <summary>
/// The admin tool's end of one command: sends the <see cref="AdminCommand"/> as itself, gathers
/// the <see cref="AdminReplyPart"/>s of a long answer and completes with the whole
/// <see cref="AdminReply"/>. It gives up after <c>silence</c> with nothing new, so a long answer
/// that keeps coming is never cut short and a node that says nothing costs that long.
/// </summary>
public sealed class AdminAnswer : ReceiveActor, IWithTimers
{
    private readonly StringBuilder _text = new();
    private readonly TimeSpan _silence;
    private readonly TaskCompletionSource<AdminReply> _answer;

    /// <summary>Creates the actor; use <see cref="AdminClient.AskAsync"/>.</summary>
    public AdminAnswer(ActorSelection admin, AdminCommand command, TaskCompletionSource<AdminReply> answer, TimeSpan silence)
    {
        _silence = silence;
        _answer = answer;
        admin.Tell(command, Self);
        Receive<AdminReplyPart>(part =>
        {
            _text.Append(part.Text);
            StartSilence();
        });
        Receive<AdminReply>(reply =>
        {
            answer.TrySetResult(reply with { Text = _text.Append(reply.Text).ToString() });
            Context.Stop(Self);
        });
        // A timer, not Akka's receive timeout, which starts only once a first message came.
        Receive<ReceiveTimeout>(_ =>
        {
            answer.TrySetException(new AskTimeoutException($"no answer from {admin.PathString} within {silence.TotalSeconds:0} s"));
            Context.Stop(Self);
        });
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc/>
    protected override void PreStart() => StartSilence();

    // Stopped with its actor system before an answer came (the system gave up on the node).
    /// <inheritdoc/>
    protected override void PostStop() =>
        _answer.TrySetException(new AskTimeoutException("the admin tool stopped before the node answered"));

    private void StartSilence() => Timers.StartSingleTimer(nameof(ReceiveTimeout), ReceiveTimeout.Instance, _silence);
}
