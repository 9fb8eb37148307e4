using ActorProxy.Actors.Serialization;
using ActorProxy.Runtime.Samples;
using Akka.Actor;

namespace ActorProxy.Actors.Maps;

/// <summary>A node's change of a map or ACL file, to the cluster's <see cref="MapSequencer"/>.</summary>
/// <param name="MapId">The reference's number (<c>#ID</c>), alike on nodes of one configuration.</param>
/// <param name="MapName">Its file as written, to check that the number names the same file.</param>
/// <param name="Change">The change.</param>
/// <param name="Origin">The node that made it (its unique id).</param>
public sealed record ProposeMapChange(int MapId, string MapName, MapChange Change, string Origin) : IClusterMessage;

/// <summary>A change in the cluster's one order, sent to every node's <see cref="MapReplicator"/> that follows it.</summary>
/// <param name="Epoch">The sequencer that ordered it: a new one starts a new order.</param>
/// <param name="Sequence">Its place in that order, from 1.</param>
/// <param name="MapId">The reference's number.</param>
/// <param name="MapName">Its file as written.</param>
/// <param name="Change">The change.</param>
/// <param name="Origin">The node that made it.</param>
public sealed record MapChangeOrdered(string Epoch, long Sequence, int MapId, string MapName, MapChange Change, string Origin) : IClusterMessage;

/// <summary>A node's request for every map's entries as the cluster has them; the sequencer
/// fills in its epoch and the last place it gave, and passes it to its own node's replicator,
/// which answers <paramref name="ReplyTo"/> once it has applied that far.</summary>
/// <param name="Epoch">The sequencer's epoch (empty from the asking node).</param>
/// <param name="Sequence">The last place it gave (0 from the asking node).</param>
/// <param name="ReplyTo">The asking node's replicator.</param>
public sealed record MapSnapshotRequest(string Epoch, long Sequence, IActorRef ReplyTo) : IClusterMessage;

/// <summary>Every map's entries after the change at <paramref name="Sequence"/> of <paramref name="Epoch"/>.</summary>
/// <param name="Epoch">The order they belong to.</param>
/// <param name="Sequence">The last change they include.</param>
/// <param name="Maps">Each reference's entries.</param>
public sealed record MapSnapshot(string Epoch, long Sequence, IReadOnlyList<MapSnapshotPart> Maps) : IClusterMessage;

/// <summary>One reference's entries in a <see cref="MapSnapshot"/>.</summary>
/// <param name="MapId">Its number.</param>
/// <param name="MapName">Its file as written.</param>
/// <param name="Entries">Its entries, in order.</param>
public sealed record MapSnapshotPart(int MapId, string MapName, IReadOnlyList<MapEntry> Entries);

/// <summary>A replicator's regular word to the sequencer: the order it follows and how far it
/// applied it. A sequencer it does not follow yet (a new one) answers with its entries, as for
/// a <see cref="MapSnapshotRequest"/>; the one it follows, with <see cref="MapSequenceAt"/>.</summary>
/// <param name="Epoch">The order the replicator follows (empty before it has one).</param>
/// <param name="Applied">The last change it applied.</param>
public sealed record MapFollow(string Epoch, long Applied) : IClusterMessage;

/// <summary>How far the sequencer ordered: a replicator still behind at its next word missed a change, and asks for the entries.</summary>
/// <param name="Epoch">The sequencer's order.</param>
/// <param name="Sequence">The last place it gave.</param>
public sealed record MapSequenceAt(string Epoch, long Sequence) : IClusterMessage;

/// <summary>From a sequencer that starts to its own node's replicator: the order begins anew
/// from this node's entries. Answered with <see cref="MapEpochStarted"/>. Stays in its node.</summary>
/// <param name="Epoch">The new order's name.</param>
public sealed record StartMapEpoch(string Epoch);

/// <summary>The replicator took the new epoch: the sequencer may order changes.</summary>
public sealed record MapEpochStarted(string Epoch);
