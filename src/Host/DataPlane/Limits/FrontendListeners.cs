using System.Collections.Concurrent;
using ActorProxy.Runtime.Config;

namespace ActorProxy.Host.DataPlane.Limits;

/// <summary>The node's frontends' listeners (<see cref="ListenerSwitch"/>), by frontend, as
/// <c>disable frontend</c>, <c>enable frontend</c>, <c>shutdown frontend</c> and Lua's
/// <c>Proxy.pause</c>, <c>resume</c> and <c>stop</c> change them.</summary>
internal sealed class FrontendListeners : IFrontendListeners
{
    private readonly ConcurrentDictionary<string, ListenerSwitch> _switches = new(StringComparer.Ordinal);

    /// <summary>Keeps the switch of a frontend the web host has bound.</summary>
    public void Add(string frontend, ListenerSwitch listener) => _switches[frontend] = listener;

    public ListenerState StateOf(string frontend) => _switches.TryGetValue(frontend, out var found) ? found.State : ListenerState.Open;

    public ListenerChange Pause(string frontend) => Of(frontend)?.Pause() ?? NotListening(frontend);

    public ListenerChange Resume(string frontend) => Of(frontend)?.Resume() ?? NotListening(frontend);

    public ListenerChange Stop(string frontend) => Of(frontend)?.Stop() ?? NotListening(frontend);

    private ListenerSwitch? Of(string frontend) => _switches.GetValueOrDefault(frontend);

    private static ListenerChange NotListening(string frontend) => new(true, $"frontend '{frontend}' has no listener running\n");
}
