using ActorProxy.Actors.Serialization;

namespace ActorProxy.Actors.Admin;

/// <summary>One admin command in its text form, as on HAProxy's CLI (<c>show info</c>,
/// <c>show fd</c>…). Plain data: admin tools send it from another process.</summary>
/// <param name="Line">The command line.</param>
public sealed record AdminCommand(string Line) : IClusterMessage;

/// <summary>The answer to an <see cref="AdminCommand"/>.</summary>
/// <param name="Success">False when the command was refused (unknown, bad arguments) or failed.</param>
/// <param name="Text">What to print.</param>
public sealed record AdminReply(bool Success, string Text) : IClusterMessage;
