using System.Net.Sockets;

namespace ActorProxy.Host.DataPlane;

/// <summary>A backend connection's stream that reports its end (to the fd table) just before
/// its socket closes, so the table never holds a number the OS has already given to another socket.</summary>
internal sealed class TrackedNetworkStream(Socket socket, Action closing) : NetworkStream(socket, ownsSocket: true)
{
    private int _closed;

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _closed, 1) == 0)
        {
            closing();
        }
        base.Dispose(disposing);
    }
}
