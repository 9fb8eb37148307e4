using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// The request channel of a <c>tcp-request content</c> Lua action (HAProxy's Channel class on a
/// TCP stream, hlua.c): the few operations on the connection's <see cref="TcpRequestBuffer"/>
/// that Http.lua builds HAProxy's methods from, with their argument checks, their limits and
/// their waits for more data.
/// </summary>
internal static class LuaChannelApi
{
    /// <summary>Adds the operations to <paramref name="state"/>'s <paramref name="internalTable"/>;
    /// <paramref name="buffer"/> gives the running action's buffer.</summary>
    public static void Expose(LuaState state, string internalTable, Func<LuaCall, TcpRequestBuffer> buffer)
    {
        // chn_state() → input, output, closed, final, full (channel_full ignoring the reserve), may_recv, room.
        state.Expose(internalTable, "chn_state", call =>
        {
            var b = buffer(call);
            int held = b.Output.Length + b.Data.Length;
            return call.Return((long)b.Data.Length) + call.Return((long)b.Output.Length) + call.Return(b.Closed) + call.Return(b.Final) +
                call.Return(held >= b.Capacity) + call.Return(!b.Closed && !b.Full) + call.Return((long)Math.Max(0, b.Limit - held)) +
                call.Return((long)b.Capacity);
        });
        // chn_read(offset, length) → that part of the input.
        state.Expose(internalTable, "chn_read", call =>
        {
            var b = buffer(call);
            var (offset, length) = Range(call, b);
            return call.Return(b.Data.AsSpan(offset, length));
        });
        // chn_edit(offset, length, bytes): the part of the input replaced by the bytes.
        state.Expose(internalTable, "chn_edit", call =>
        {
            var b = buffer(call);
            var (offset, length) = Range(call, b);
            byte[] inserted = call.GetBytes(3);
            b.Data = [.. b.Data.AsSpan(0, offset), .. inserted, .. b.Data.AsSpan(offset + length)];
            return call.Return();
        });
        // chn_output(bytes, taken): the bytes join the output, and the first taken bytes of the input too.
        state.Expose(internalTable, "chn_output", call =>
        {
            var b = buffer(call);
            int taken = (int)Math.Clamp(call.GetInteger(2), 0, b.Data.Length);
            b.Output = [.. b.Output, .. call.GetBytes(1), .. b.Data.AsSpan(0, taken)];
            b.Data = b.Data[taken..];
            return call.Return();
        });
    }

    // Arguments 1 and 2: an offset and a length within the input, which Http.lua has checked.
    private static (int Offset, int Length) Range(LuaCall call, TcpRequestBuffer buffer)
    {
        int offset = (int)Math.Clamp(call.GetInteger(1), 0, buffer.Data.Length);
        int length = (int)Math.Clamp(call.GetInteger(2), 0, buffer.Data.Length - offset);
        return (offset, length);
    }
}
