using ActorProxy.Runtime.Http;
using Akka.Actor;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// The connection's end of a shared-state HTTP service's stream: in the connection's node, it
/// does what the service, in the singleton wherever it lives, asks of the connection (read body,
/// send the head, write), one operation at a time and each answered once done, so the service
/// goes at its client's pace across nodes too. It receives the call's answer and completes the
/// worker's wait with it; it completes it without one if the singleton dies (death watch) or
/// the client leaves, so the transaction never outlives both. Once the client left it stays to
/// tell the service so at its next operation, for as long as an operation may take.
/// </summary>
public sealed class ServiceStreamRelay : ReceiveActor, IWithTimers
{
    /// <summary>The most bytes one message carries, far under akka.remote's frame.</summary>
    public const int PieceSize = 32 * 1024;

    private readonly TaskCompletionSource<SharedLuaResult?> _answer;
    private readonly CancellationTokenRegistration _clientGone;

    /// <summary>Creates the relay; use <see cref="Props"/>.</summary>
    public ServiceStreamRelay(IHttpServiceStream stream, TaskCompletionSource<SharedLuaResult?> answer, IActorRef sharedState)
    {
        _answer = answer;
        Context.Watch(sharedState);
        var self = Self;
        _clientGone = stream.ClientGone.Register(() => self.Tell(ClientLeft.Instance));
        ReceiveAsync<ReadServiceBody>(async read =>
        {
            var replyTo = Sender;
            byte[] buffer = new byte[Math.Clamp(read.Max, 1, PieceSize)];
            try
            {
                int count = await stream.ReadBodyAsync(buffer);
                replyTo.Tell(new ServiceBodyRead(buffer[..count], false));
            }
            catch (Exception) when (stream.Stopped)
            {
                replyTo.Tell(new ServiceBodyRead([], true));
            }
        });
        ReceiveAsync<StartServiceResponse>(async start => await Done(Sender, stream, () => stream.StartResponseAsync(start.Head.ToReply())));
        ReceiveAsync<WriteServiceBody>(async write => await Done(Sender, stream, () => stream.WriteAsync(write.Data)));
        Receive<SharedLuaResult>(result => End(result));
        Receive<Terminated>(_ => End(null));
        Receive<ClientLeft>(_ =>
        {
            _answer.TrySetResult(null);
            Timers.StartSingleTimer(ClientLeft.Instance, PoisonPill.Instance, RelayedServiceStream.OperationTimeout);
        });
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for the relay of <paramref name="stream"/>, which completes
    /// <paramref name="answer"/>; it watches <paramref name="sharedState"/>, the actor the call went to.</summary>
    public static Props Props(IHttpServiceStream stream, TaskCompletionSource<SharedLuaResult?> answer, IActorRef sharedState) =>
        Akka.Actor.Props.Create(() => new ServiceStreamRelay(stream, answer, sharedState));

    private static async Task Done(IActorRef replyTo, IHttpServiceStream stream, Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Exception) when (stream.Stopped)
        {
            // The answer below says so.
        }
        replyTo.Tell(new ServiceStreamDone(stream.Stopped));
    }

    /// <inheritdoc/>
    protected override void PostStop()
    {
        _clientGone.Dispose();
        _answer.TrySetResult(null);
    }

    private void End(SharedLuaResult? result)
    {
        _answer.TrySetResult(result);
        Context.Stop(Self);
    }

    private sealed class ClientLeft
    {
        public static readonly ClientLeft Instance = new();
    }
}
