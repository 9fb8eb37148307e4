using ActorProxy.Actors.Serialization;
using ActorProxy.Runtime.Http;

namespace ActorProxy.Actors.Lua;

/// <summary>Asks a service's connection, through its <see cref="ServiceStreamRelay"/>, for the
/// next bytes of the request body; answered with <see cref="ServiceBodyRead"/>.</summary>
/// <param name="Max">The most bytes wanted.</param>
public sealed record ReadServiceBody(int Max) : IClusterMessage;

/// <summary>The next bytes of a request body: empty at its end, or when the service must stop.</summary>
/// <param name="Data">The bytes.</param>
/// <param name="Stopped">True when the service must stop (its client is gone, its request broke).</param>
public sealed record ServiceBodyRead(byte[] Data, bool Stopped) : IClusterMessage;

/// <summary>Sends a service's response head to its client; answered with <see cref="ServiceStreamDone"/>.</summary>
/// <param name="Head">The status, reason and headers.</param>
public sealed record StartServiceResponse(HttpReplySnapshot Head) : IClusterMessage;

/// <summary>Writes response bytes to a service's client; answered with <see cref="ServiceStreamDone"/>
/// once the connection took them.</summary>
/// <param name="Data">At most <see cref="ServiceStreamRelay.PieceSize"/> bytes.</param>
public sealed record WriteServiceBody(byte[] Data) : IClusterMessage;

/// <summary>A response head or body bytes are out.</summary>
/// <param name="Stopped">True when the service must stop.</param>
public sealed record ServiceStreamDone(bool Stopped) : IClusterMessage;
