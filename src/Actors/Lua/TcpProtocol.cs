using System.Threading.Channels;

namespace ActorProxy.Actors.Lua;

/// <summary>Starts a Lua TCP service on a connection: the state's actor runs it, feeds it with
/// <see cref="TcpServiceInput"/>, writes what Lua sends to <paramref name="Output"/> and completes
/// it when the service ends (with the error when it failed).</summary>
/// <param name="Service">The service's name, without <c>lua.</c>.</param>
/// <param name="SessionId">The connection's number, unique in the process.</param>
/// <param name="Session">The connection as rules saw it: samples and variables.</param>
/// <param name="Output">Where the bytes Lua sends go, in order.</param>
public sealed record StartTcpService(string Service, long SessionId, Runtime.Http.HttpExchange Session, ChannelWriter<ReadOnlyMemory<byte>> Output);

/// <summary>Runs a Lua CLI command (<c>core.register_cli</c>) for the admin channel; what it
/// sends goes to <paramref name="Output"/>, which is completed when it ends.</summary>
/// <param name="Path">The command's words, as registered.</param>
/// <param name="Arguments">The words after them.</param>
/// <param name="SessionId">A number unique in the process.</param>
/// <param name="Output">Where its output goes.</param>
public sealed record StartLuaCli(string Path, IReadOnlyList<string> Arguments, long SessionId, ChannelWriter<ReadOnlyMemory<byte>> Output);

/// <summary>Bytes from the client of a TCP service; <paramref name="End"/> when it closed its side.</summary>
/// <param name="SessionId">The connection.</param>
/// <param name="Data">What arrived.</param>
/// <param name="End">True when the client will send nothing more.</param>
public sealed record TcpServiceInput(long SessionId, byte[] Data, bool End);

/// <summary>The connection of a TCP service is gone: drop the session.</summary>
/// <param name="SessionId">The connection.</param>
public sealed record TcpServiceClosed(long SessionId);

/// <summary>Runs the next slice of a TCP service; sent by the owning actor to itself.</summary>
/// <param name="SessionId">The connection.</param>
internal sealed record ResumeTcpService(long SessionId);

/// <summary>Runs a <c>tcp-request content lua.NAME</c> action for a connection on the worker that
/// owns it; the session carries the connection's samples and variables.</summary>
/// <param name="Name">The action's name, without <c>lua.</c>.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="Session">The connection as rules see it.</param>
/// <param name="Completion">Completed when the action has run (or failed and was logged).</param>
public sealed record RunTcpAction(string Name, IReadOnlyList<string> Arguments, Runtime.Http.HttpExchange Session, TaskCompletionSource Completion);
