namespace ActorProxy.Runtime.Config;

/// <summary>A proxy's <c>mode</c>.</summary>
public enum ProxyMode
{
    /// <summary>HTTP: requests are parsed, rules and Lua see them.</summary>
    Http,

    /// <summary>TCP: bytes are relayed.</summary>
    Tcp,
}
