using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// Runs socket completions and Kestrel's request processing on the I/O threads that saw the
/// socket ready, instead of handing each one to the thread pool: like HAProxy's threads, each
/// I/O thread then carries a connection from readiness to forwarding without a thread switch.
/// </summary>
/// <remarks>
/// .NET calls this unsafe because code that blocks would stall every socket of its I/O thread.
/// ActorProxy runs no user code there: Lua runs on the pinned workers, and the one blocking wait
/// (a worker waiting for a shared-state fetch) is on a worker too. In the benchmark of issue #6 it cut the
/// proxy's CPU time per plain request by about a third (docs/benchmarks.md).
/// </remarks>
internal static class InlineIo
{
    private const string SocketCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Makes every socket of the process complete inline. The runtime reads the setting
    /// once, when the first socket is created, so this must run first thing in <c>Main</c>.</summary>
    public static void EnableSocketCompletions() => Environment.SetEnvironmentVariable(SocketCompletionsVariable, "1");

    /// <summary>Makes a sockets transport process each request on the I/O thread that read it.</summary>
    public static void Configure(SocketTransportOptions sockets) => sockets.UnsafePreferInlineScheduling = true;
}
