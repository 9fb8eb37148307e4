using Akka.Actor;

namespace ActorProxy.Actors.Admin;

/// <summary>What an admin tool calls to run one command on a node.</summary>
public static class AdminClient
{
    /// <summary>Sends <paramref name="command"/> to <paramref name="admin"/> and returns its whole
    /// answer, gathered by an <see cref="AdminAnswer"/>.</summary>
    /// <exception cref="AskTimeoutException">Nothing came for <paramref name="silence"/>.</exception>
    public static Task<AdminReply> AskAsync(ActorSystem system, ActorSelection admin, AdminCommand command, TimeSpan silence)
    {
        var answer = new TaskCompletionSource<AdminReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new AdminAnswer(admin, command, answer, silence)));
        return answer.Task;
    }
}
