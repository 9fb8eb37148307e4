using System.Threading.Channels;
using Akka.Actor;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// The local end of a TCP service's or CLI command's byte stream: the state's actor that runs it
/// (a worker here, or the shared state's singleton on another node) sends its output here as
/// messages, and this actor writes them, in order, to the connection's channel. The start, the
/// input and the close are sent to the state's actor with this actor as their sender, which is
/// how that actor knows the session.
/// </summary>
public sealed class TcpSessionRelay : ReceiveActor
{
    /// <summary>Creates the relay; use <see cref="Props"/>.</summary>
    public TcpSessionRelay(ChannelWriter<ReadOnlyMemory<byte>> output)
    {
        Receive<TcpServiceOutput>(message => output.TryWrite(message.Data));
        Receive<TcpServiceEnded>(message =>
        {
            output.TryComplete(message.Error is null ? null : new Runtime.Lua.LuaScriptException(message.Error));
            Context.Stop(Self);
        });
    }

    /// <summary>Props for a relay writing to <paramref name="output"/>; it lives in the node of the connection.</summary>
    public static Props Props(ChannelWriter<ReadOnlyMemory<byte>> output) => Akka.Actor.Props.Create(() => new TcpSessionRelay(output));
}
