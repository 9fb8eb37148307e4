using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace ActorProxy.Actors.Serialization;

/// <summary>
/// The serializer of every message that may cross nodes (<see cref="IClusterMessage"/>): JSON by
/// System.Text.Json, the message's type named by a manifest that must be one of ActorProxy's own
/// message types. A manifest it does not know is refused, so a peer cannot make this node build an
/// object of any other type, and a message carries no .NET type names.
/// </summary>
public sealed class ClusterMessageSerializer : SerializerWithStringManifest
{
    private static readonly FrozenDictionary<string, Type> s_types = typeof(IClusterMessage).Assembly.GetTypes()
        .Where(type => type.IsClass && !type.IsAbstract && typeof(IClusterMessage).IsAssignableFrom(type))
        .ToFrozenDictionary(type => type.Name, StringComparer.Ordinal);

    private readonly JsonSerializerOptions _options;

    /// <summary>Created by Akka's serialization from reference.conf.</summary>
    public ClusterMessageSerializer(ExtendedActorSystem system) : base(system)
    {
        _options = new JsonSerializerOptions
        {
            Converters = { new PlainSampleConverter(), new ActorRefConverter(system) },
            // A peer's message of another shape is refused, not half read.
            UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        };
    }

    /// <summary>The names of the message types this serializer accepts.</summary>
    public static IEnumerable<string> MessageTypes => s_types.Keys;

    /// <inheritdoc/>
    public override string Manifest(object o) =>
        s_types.TryGetValue(o.GetType().Name, out var type) && type == o.GetType()
            ? type.Name
            : throw new SerializationException($"{o.GetType().FullName} is not an ActorProxy cluster message: it does not leave its node.");

    /// <inheritdoc/>
    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, s_types[Manifest(obj)], _options);

    /// <inheritdoc/>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!s_types.TryGetValue(manifest, out var type))
        {
            throw new SerializationException($"'{manifest}' is not an ActorProxy cluster message type: refused.");
        }
        try
        {
            return JsonSerializer.Deserialize(bytes, type, _options) ?? throw new SerializationException($"A {manifest} message was empty.");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"A {manifest} message could not be read: {e.Message}", e);
        }
    }
}
