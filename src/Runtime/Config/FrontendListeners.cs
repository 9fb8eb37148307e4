namespace ActorProxy.Runtime.Config;

/// <summary>Where a frontend's listener stands (HAProxy's proxy and listener states).</summary>
public enum ListenerState
{
    /// <summary>Accepting connections (<c>show stat</c>'s OPEN).</summary>
    Open,

    /// <summary>Paused: its socket is closed, so new connections are refused, until it is
    /// resumed (PAUSED; <c>disable frontend</c>, Lua's <c>Proxy.pause</c>).</summary>
    Paused,

    /// <summary>Stopped for good: it accepts nothing more (STOP; <c>shutdown frontend</c>, Lua's
    /// <c>Proxy.stop</c>).</summary>
    Stopped,
}

/// <summary>The answer to a change of a frontend's listener: HAProxy's message, if it has one,
/// and whether it is a refusal (cli_err) rather than a notice (cli_msg).</summary>
/// <param name="Refused">True when nothing changed because it could not.</param>
/// <param name="Message">HAProxy's words, or empty when the change was made silently.</param>
public sealed record ListenerChange(bool Refused, string Message);

/// <summary>The running frontends' listeners, as the admin channel and Lua change them: what
/// HAProxy's pause_proxy, resume_proxy and stop_proxy do to a frontend.</summary>
public interface IFrontendListeners
{
    /// <summary>The state of <paramref name="frontend"/>'s listener.</summary>
    ListenerState StateOf(string frontend);

    /// <summary>Closes the frontend's socket until <see cref="Resume"/>; connections open go on.</summary>
    ListenerChange Pause(string frontend);

    /// <summary>Listens again on a paused frontend's address.</summary>
    ListenerChange Resume(string frontend);

    /// <summary>Closes the frontend's socket for good; connections open go on.</summary>
    ListenerChange Stop(string frontend);
}
