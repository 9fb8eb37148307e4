using System.Collections.Concurrent;

namespace ActorProxy.Host.DataPlane.AccessLog;

/// <summary>
/// The milliseconds new server connections took (the access log's <c>%Tc</c>), by the forwarded
/// request that opened them: few entries (a kept-alive connection serves many requests), none left
/// once their requests are logged. Kept here rather than in each message's options, whose
/// dictionary every forwarded request would then allocate.
/// </summary>
/// <param name="enabled">False when there is no HTTP frontend: nothing is kept.</param>
internal sealed class ServerConnectTimes(bool enabled)
{
    private readonly ConcurrentDictionary<HttpRequestMessage, int> _times = new();

    /// <summary>Notes that <paramref name="message"/>'s request opened a connection that took <paramref name="took"/>.</summary>
    public void Connected(HttpRequestMessage? message, TimeSpan took)
    {
        if (enabled && message is not null)
        {
            _times[message] = (int)took.TotalMilliseconds;
        }
    }

    /// <summary>The milliseconds of the connection <paramref name="message"/> opened, null when
    /// it went over one kept open; the entry goes.</summary>
    public int? Take(HttpRequestMessage message) => _times.TryRemove(message, out int took) ? took : null;
}
