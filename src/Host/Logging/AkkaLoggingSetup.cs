using Akka.Actor.Setup;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.Logging;

/// <summary>Gives <see cref="AkkaLogBridge"/>, which Akka makes by its type name, the node's loggers.</summary>
/// <param name="loggers">Where Akka's log events go.</param>
internal sealed class AkkaLoggingSetup(ILoggerFactory loggers) : Setup
{
    /// <summary>The node's loggers.</summary>
    public ILoggerFactory Loggers { get; } = loggers;
}
