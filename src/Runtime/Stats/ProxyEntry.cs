using ActorProxy.Runtime.Config;

namespace ActorProxy.Runtime.Stats;

/// <summary>A frontend or a backend as HAProxy's Proxy class shows it to Lua.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Uuid">Its number (<c>show stat</c>'s <c>iid</c>).</param>
/// <param name="IsFrontend">True for a frontend (<c>get_cap</c> "frontend"), false for a backend.</param>
/// <param name="Mode">http or tcp.</param>
/// <param name="Servers">A backend's servers, in the configuration's order; none for a frontend.</param>
/// <param name="Listeners">A frontend's listeners, as HAProxy names those without a name
/// (<c>sock-1</c>…); none for a backend.</param>
public sealed record ProxyEntry(string Name, int Uuid, bool IsFrontend, ProxyMode Mode, IReadOnlyList<ServerEntry> Servers, IReadOnlyList<string> Listeners);

/// <summary>A server as HAProxy's Server class shows it to Lua.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Puid">Its number within its backend (<c>show stat</c>'s <c>sid</c>).</param>
/// <param name="Address">Its address as <c>get_addr</c> writes it: <c>ADDRESS:PORT</c>.</param>
public sealed record ServerEntry(string Name, int Puid, string Address);
