using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ActorProxy.Actors.Serialization;

/// <summary>
/// Takes the place of Akka's catch-all JSON serializer (id 1, bound to <c>System.Object</c>): a
/// type with no serializer of its own is neither sent nor read. Akka's JSON serializer writes and
/// trusts .NET type names, so a peer could have made this node build an object of any type;
/// ActorProxy's messages have <see cref="ClusterMessageSerializer"/>, Akka's own have theirs.
/// </summary>
public sealed class RefusedSerializer : Serializer
{
    /// <summary>Created by Akka's serialization.</summary>
    public RefusedSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    /// <summary>Created by Akka's serialization, which passes the JSON serializer's settings along.</summary>
    public RefusedSerializer(ExtendedActorSystem system, Akka.Configuration.Config settings) : base(system)
    {
    }

    /// <inheritdoc/>
    public override bool IncludeManifest => false;

    /// <inheritdoc/>
    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType().FullName} has no serializer: it does not leave its node.");

    /// <inheritdoc/>
    public override object FromBinary(byte[] bytes, Type? type) =>
        throw new SerializationException($"a message for Akka's JSON serializer (type {type?.FullName ?? "unnamed"}) was refused: ActorProxy reads only its own message types and Akka's.");
}
