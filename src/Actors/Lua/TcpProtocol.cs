using ActorProxy.Actors.Serialization;

namespace ActorProxy.Actors.Lua;

/// <summary>Starts a Lua TCP service on a connection: the state's actor (maybe the singleton on
/// another node) runs it, feeds it with <see cref="TcpServiceInput"/>, and answers the sender
/// with <see cref="TcpServiceOutput"/> for what Lua sends and <see cref="TcpServiceEnded"/> at
/// its end.</summary>
/// <param name="Service">The service's name, without <c>lua.</c>.</param>
/// <param name="SessionId">The connection's number, unique in its node.</param>
/// <param name="Session">The connection as rules saw it: samples and variables.</param>
public sealed record StartTcpService(string Service, long SessionId, Runtime.Http.HttpExchangeSnapshot Session) : IClusterMessage;

/// <summary>Runs a Lua CLI command (<c>core.register_cli</c>) for the admin channel, answered as
/// <see cref="StartTcpService"/> is.</summary>
/// <param name="Path">The command's words, as registered.</param>
/// <param name="Arguments">The words after them.</param>
/// <param name="SessionId">A number unique in its node.</param>
public sealed record StartLuaCli(string Path, string[] Arguments, long SessionId) : IClusterMessage;

/// <summary>Bytes a TCP service or CLI command sent, in order.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Data">The bytes.</param>
public sealed record TcpServiceOutput(long SessionId, byte[] Data) : IClusterMessage;

/// <summary>A TCP service or CLI command ended; <paramref name="Error"/> when it failed.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Error">The Lua error, or null.</param>
public sealed record TcpServiceEnded(long SessionId, string? Error) : IClusterMessage;

/// <summary>Bytes from the client of a TCP service; <paramref name="End"/> when it closed its side.</summary>
/// <param name="SessionId">The connection.</param>
/// <param name="Data">What arrived.</param>
/// <param name="End">True when the client will send nothing more.</param>
public sealed record TcpServiceInput(long SessionId, byte[] Data, bool End) : IClusterMessage;

/// <summary>The connection of a TCP service is gone: drop the session.</summary>
/// <param name="SessionId">The connection.</param>
public sealed record TcpServiceClosed(long SessionId) : IClusterMessage;

/// <summary>Runs the next slice of a TCP service; sent by the owning actor to itself.</summary>
/// <param name="Output">The session's relay.</param>
/// <param name="SessionId">The connection.</param>
internal sealed record ResumeTcpService(Akka.Actor.IActorRef Output, long SessionId);
