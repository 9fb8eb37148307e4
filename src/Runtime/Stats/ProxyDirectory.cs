using System.Net;
using ActorProxy.Runtime.Config;

namespace ActorProxy.Runtime.Stats;

/// <summary>
/// The node's proxies as HAProxy shows them to Lua (<c>core.proxies</c>, <c>core.frontends</c>,
/// <c>core.backends</c>; hlua_fcn.c): each frontend and backend with the numbers <c>show stat</c>
/// gives it, its mode, servers and listener, its stats line, and the servers' states, which the
/// running listeners provide once they run (none in <c>check</c>).
/// </summary>
public sealed class ProxyDirectory
{
    private readonly ProxyConfig _config;

    /// <summary>The proxies of <paramref name="config"/>, counted in <paramref name="stats"/>.</summary>
    public ProxyDirectory(ProxyConfig config, ProxyStats stats)
    {
        _config = config;
        Stats = stats;
        var rows = StatCsv.Rows(config, stats, null, []);
        int Number(string proxy, string line, string field) =>
            int.Parse(rows.First(r => r.Proxy == proxy && r.Name == line)[field], System.Globalization.CultureInfo.InvariantCulture);
        Proxies =
        [
            .. config.Frontends.Select(f => new ProxyEntry(f.Name, Number(f.Name, "FRONTEND", "iid"), true, f.Mode, [], ["sock-1"])),
            .. config.Backends.Select(b => new ProxyEntry(b.Name, Number(b.Name, "BACKEND", "iid"), false, b.Mode,
                b.Servers.Select(s => new ServerEntry(s.Name, Number(b.Name, s.Name, "sid"), AddressOf(s))).ToArray(), [])),
        ];
    }

    /// <summary>The proxies' stick tables (a proxy's <c>stktable</c>).</summary>
    public Stick.StickTables Tables => _config.StickTables;

    /// <summary>The proxies' counters.</summary>
    public ProxyStats Stats { get; }

    /// <summary>Every frontend, then every backend, in the configuration's order.</summary>
    public IReadOnlyList<ProxyEntry> Proxies { get; }

    /// <summary>The servers' states, once the listeners run; null before.</summary>
    public IServerStates? Servers { get; set; }

    /// <summary>The frontends' listeners, once they run; null before.</summary>
    public IFrontendListeners? Listeners { get; set; }

    /// <summary>The listeners' live counts, once they run; null before.</summary>
    public ILiveStats? Live { get; set; }

    /// <summary>The backend named <paramref name="name"/>, or null.</summary>
    public BackendSettings? Backend(string name) => _config.Backends.FirstOrDefault(b => b.Name == name);

    /// <summary>The stats line of a proxy (<paramref name="line"/> <c>FRONTEND</c> or
    /// <c>BACKEND</c>) or of one of its servers, as <c>show stat</c> has it now; null for none.</summary>
    public StatRow? Row(string proxy, string line) =>
        StatCsv.Rows(_config, Stats, Live, Servers?.List() ?? []).FirstOrDefault(r => r.Proxy == proxy && r.Name == line);

    // HAProxy writes an IPv6 address without brackets before its port.
    private static string AddressOf(ServerSettings server) =>
        IPAddress.TryParse(server.Host, out var address)
            ? $"{address}:{server.Port}"
            : $"{server.Host}:{server.Port}";
}
