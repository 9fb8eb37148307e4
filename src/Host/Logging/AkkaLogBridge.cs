using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.Logging;

/// <summary>
/// Akka's logger (<c>akka.loggers</c>): each of Akka's log events as one line through the node's
/// loggers, in the same format as the rest of the node's. A multi-line message keeps its first
/// line and an exception only its innermost message, so that a refused TLS peer, say, is a line
/// in the log and not a page of troubleshooting text and stack traces.
/// </summary>
internal sealed class AkkaLogBridge : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>The type name <c>akka.loggers</c> gives.</summary>
    public const string TypeName = "ActorProxy.Host.Logging.AkkaLogBridge, actorproxy";

    /// <summary>Creates the logger; Akka does, from <see cref="TypeName"/>.</summary>
    public AkkaLogBridge()
    {
        var loggers = Context.System.Settings.Setup.Get<AkkaLoggingSetup>().Value?.Loggers
            ?? throw new InvalidOperationException($"{nameof(AkkaLogBridge)} needs an {nameof(AkkaLoggingSetup)} in the actor system's setup.");
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => loggers.CreateLogger($"Akka.{e.LogClass?.Name ?? "Actor"}").Log(LevelOf(e.LogLevel()), "{Source}: {Message}", e.LogSource, Line(e)));
    }

    private static string Line(LogEvent e)
    {
        string message = e.Message?.ToString() ?? "";
        int newline = message.IndexOf('\n', StringComparison.Ordinal);
        string line = (newline < 0 ? message : message[..newline]).TrimEnd();
        var cause = e.Cause;
        while (cause?.InnerException is not null)
        {
            cause = cause.InnerException;
        }
        return cause is null ? line : $"{line}: {cause.Message}";
    }

    private static Microsoft.Extensions.Logging.LogLevel LevelOf(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
        _ => Microsoft.Extensions.Logging.LogLevel.Error,
    };
}
