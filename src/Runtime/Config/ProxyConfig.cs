namespace ActorProxy.Runtime.Config;

/// <summary>A whole ActorProxy configuration, as read from one HOCON file.</summary>
/// <param name="File">The file it was read from.</param>
/// <param name="Global">The <c>actorproxy.global</c> section.</param>
public sealed record ProxyConfig(string File, GlobalSettings Global)
{
    /// <summary>The <c>actorproxy.frontends</c>, in the order written.</summary>
    public IReadOnlyList<FrontendSettings> Frontends { get; init; } = [];

    /// <summary>The <c>actorproxy.backends</c>, in the order written.</summary>
    public IReadOnlyList<BackendSettings> Backends { get; init; } = [];

    /// <summary>The map files its rules read, shared by them and changed by the admin channel
    /// (<c>show map</c>, <c>add map</c>…).</summary>
    public Samples.MapReferences Maps { get; init; } = new();

    /// <summary>The frontends' and backends' stick tables, by proxy name; nodes of a cluster share their entries.</summary>
    public Stick.StickTables StickTables { get; init; } = new();
}
