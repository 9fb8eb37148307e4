namespace ActorProxy.Actors.Serialization;

/// <summary>
/// A message that may travel between the nodes of a cluster (to or from the shared state's
/// singleton, or from an admin tool): an immutable record of plain data — no completion, channel,
/// delegate or live object — bound to one serializer in reference.conf. Messages without it stay
/// inside their node and may hold completions.
/// </summary>
public interface IClusterMessage
{
}
