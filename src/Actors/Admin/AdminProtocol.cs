using ActorProxy.Actors.Serialization;

namespace ActorProxy.Actors.Admin;

/// <summary>One admin command in its text form, as on HAProxy's CLI (<c>show info</c>,
/// <c>show fd</c>…). Plain data: admin tools send it from another process.</summary>
/// <param name="Line">The command line.</param>
/// <param name="Key">From another process, the admin key that grants the command's
/// <see cref="AdminLevel"/>; a command sent from inside the node's process needs none.</param>
/// <param name="Level">From inside the node's process, the level its sender grants (a stats
/// socket's <c>level</c>), or null for every level; ignored from another process, whose key decides.</param>
/// <param name="Payload">The lines that followed a command line ending in <c>&lt;&lt;</c> (HAProxy's CLI
/// payload, as <c>add map MAP &lt;&lt;</c> takes one entry per line), without the empty line that ended
/// them; null for none.</param>
public sealed record AdminCommand(string Line, string? Key = null, AdminLevel? Level = null, string? Payload = null) : IClusterMessage;

/// <summary>The answer to an <see cref="AdminCommand"/>.</summary>
/// <param name="Success">False when the command was refused (unknown, bad arguments, not allowed) or failed.</param>
/// <param name="Text">What to print.</param>
public sealed record AdminReply(bool Success, string Text) : IClusterMessage;

/// <summary>Asks a member's admin actor for its part of <c>show cluster</c> (its frontends and
/// their connections); answered with an <see cref="AdminReply"/>. Members send it to each other,
/// so it needs no key: only members and tools with the cluster's certificate reach a node.</summary>
public sealed record DescribeNode : IClusterMessage
{
    /// <summary>The one instance.</summary>
    public static DescribeNode Instance { get; } = new();
}

/// <summary>A piece of a long answer, sent to a tool in another process before the
/// <see cref="AdminReply"/> that ends it, so that no message nears akka.remote's frame limit
/// however many connections <c>show fd</c> lists. The pieces and the reply, in order, are the answer.</summary>
/// <param name="Text">This piece, whole lines where the answer has lines.</param>
public sealed record AdminReplyPart(string Text) : IClusterMessage;
