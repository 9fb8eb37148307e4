using Akka.Actor;

namespace ActorProxy.Actors.Fd;

/// <summary>
/// One connection, a child of the <see cref="FdSupervisor"/>: it closes its socket when told. If
/// closing fails the actor fails, and its supervisor cleans its entry; nothing else is affected.
/// </summary>
public sealed class ConnectionActor : ReceiveActor
{
    /// <summary>Tells the connection to close its socket.</summary>
    public sealed record Close
    {
        /// <summary>The one instance.</summary>
        public static readonly Close Instance = new();
    }

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public ConnectionActor(Action close)
    {
        Receive<Close>(_ => close());
    }

    /// <summary>Props for a connection whose socket <paramref name="close"/> closes.</summary>
    public static Props Props(Action close) => Akka.Actor.Props.Create(() => new ConnectionActor(close));
}
