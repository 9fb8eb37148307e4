namespace ActorProxy.Runtime.Samples;

/// <summary>Where a node's map and ACL changes go to be ordered for the whole cluster, and come
/// back to every node (<see cref="MapReference.Confirm"/>).</summary>
public interface IMapReplication
{
    /// <summary>Sends <paramref name="change"/> of <paramref name="map"/> to be ordered; it already shows on this node.</summary>
    void Propose(MapReference map, MapChange change);
}
