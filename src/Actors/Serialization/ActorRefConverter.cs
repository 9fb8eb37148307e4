using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;

namespace ActorProxy.Actors.Serialization;

/// <summary>An actor reference in a cluster message, as its full path (with the node's address),
/// resolved again by the receiving node.</summary>
internal sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
{
    public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        system.Provider.ResolveActorRef(reader.GetString() ?? throw new JsonException("An actor reference is null."));

    public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Akka.Serialization.Serialization.SerializedActorPath(value));
}
