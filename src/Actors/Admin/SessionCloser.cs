using ActorProxy.Actors.Fd;
using Akka.Actor;

namespace ActorProxy.Actors.Admin;

/// <summary>
/// Closes one connection the admin does not own, as anyone must: it takes a lease on the fd,
/// asks the fd supervisor to close it, releases the lease, and stops. Its own life bounds the
/// lease: if it dies midway, the supervisor releases it.
/// </summary>
public sealed class SessionCloser : ReceiveActor
{
    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public SessionCloser(IActorRef fds, int fd, int tgid, TaskCompletionSource<AdminReply> done)
    {
        Receive<LeaseGranted>(_ => fds.Tell(new CloseConnection(fd)));
        Receive<ConnectionClosing>(_ =>
        {
            fds.Tell(new ReleaseLease(fd));
            done.TrySetResult(new AdminReply(true, $"Session on fd {fd} shut down.\n"));
            Context.Stop(Self);
        });
        Receive<LeaseRefused>(refused =>
        {
            done.TrySetResult(new AdminReply(false, $"shutdown session: {refused.Reason}\n"));
            Context.Stop(Self);
        });
        fds.Tell(new RequestLease(fd, tgid));
    }

    /// <summary>Props for closing <paramref name="fd"/> of thread group <paramref name="tgid"/>.</summary>
    public static Props Props(IActorRef fds, int fd, int tgid, TaskCompletionSource<AdminReply> done) =>
        Akka.Actor.Props.Create(() => new SessionCloser(fds, fd, tgid, done));
}
