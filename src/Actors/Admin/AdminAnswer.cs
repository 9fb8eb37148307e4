using System.Text;
using Akka.Actor;

namespace ActorProxy.Actors.Admin;

/// <summary>
/// The admin tool's end of one command: sends the <see cref="AdminCommand"/> as itself, gathers
/// the <see cref="AdminReplyPart"/>s of a long answer and completes with the whole
/// <see cref="AdminReply"/>. It gives up after <c>silence</c> with nothing new, so a long answer
/// that keeps coming is never cut short and a node that says nothing costs that long.
/// </summary>
public sealed class AdminAnswer : ReceiveActor
{
    private readonly StringBuilder _text = new();

    /// <summary>Creates the actor; use <see cref="AdminClient.AskAsync"/>.</summary>
    public AdminAnswer(ActorSelection admin, AdminCommand command, TaskCompletionSource<AdminReply> answer, TimeSpan silence)
    {
        admin.Tell(command, Self);
        SetReceiveTimeout(silence);
        Receive<AdminReplyPart>(part => _text.Append(part.Text));
        Receive<AdminReply>(reply =>
        {
            answer.TrySetResult(reply with { Text = _text.Append(reply.Text).ToString() });
            Context.Stop(Self);
        });
        Receive<ReceiveTimeout>(_ =>
        {
            answer.TrySetException(new AskTimeoutException($"no answer from {admin.PathString} within {silence.TotalSeconds:0} s"));
            Context.Stop(Self);
        });
    }
}
