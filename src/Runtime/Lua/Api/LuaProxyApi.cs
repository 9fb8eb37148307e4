using System.Globalization;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Stats;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// HAProxy's Proxy, Server and Listener classes in one state (hlua_fcn.c): <c>core.proxies</c>,
/// <c>core.frontends</c> and <c>core.backends</c> by name, each proxy's <c>name</c>, <c>uuid</c>,
/// <c>servers</c>, <c>listeners</c>, <c>get_cap</c>, <c>get_mode</c>, <c>get_stats</c> (the
/// fields of <c>show stat</c>), each server's state, read and set as <c>set server … state</c>
/// sets it. As HAProxy's, the tables appear once the state's files have run (a file's body reads
/// nil), before its init functions. A frontend's <c>pause</c>, <c>resume</c> and <c>stop</c> change
/// its listener (<see cref="IFrontendListeners"/>). What a server or proxy of ActorProxy does not
/// have — backup servers, agents — reads as HAProxy's defaults, and the calls that would
/// change it are errors that say so (Proxy.lua). A proxy's <c>stktable</c> is HAProxy's
/// StickTable class (<see cref="LuaStickTableApi"/>).
/// </summary>
public static class LuaProxyApi
{
    private const string Internal = "__actorproxy_proxy";
    private const string Publisher = "__actorproxy_publish_proxies";
    private static readonly byte[] Source = LuaResources.Read("ActorProxy.Runtime.Lua.Api.Proxy.lua");

    // The fields HAProxy's stats give as text (mkf_str); the others are numbers.
    private static readonly HashSet<string> TextFields = new(StringComparer.Ordinal)
    {
        "pxname", "svname", "status", "tracked", "check_status", "last_chk", "last_agt", "agent_status",
        "check_desc", "agent_desc", "addr", "cookie", "mode", "algo",
    };

    /// <summary>Installs the classes into <paramref name="state"/> for <paramref name="proxies"/>
    /// (none: the tables are empty).</summary>
    public static void Install(LuaState state, ProxyDirectory? proxies)
    {
        IReadOnlyList<ProxyEntry> all = proxies?.Proxies ?? [];
        state.Expose(Internal, "count", call => call.Return((long)all.Count));
        // proxy(i) → name, uuid, cap, mode, servers, listeners, whether it has a stick table.
        state.Expose(Internal, "proxy", call =>
        {
            var proxy = all[(int)call.GetInteger(1) - 1];
            bool table = proxies!.Tables.Find(proxy.Name) is { } found && found.InFrontend == proxy.IsFrontend;
            return call.Return(proxy.Name) + call.Return(proxy.Uuid.ToString(CultureInfo.InvariantCulture)) +
                call.Return(proxy.IsFrontend ? "frontend" : "backend") + call.Return(proxy.Mode == ProxyMode.Http ? "http" : "tcp") +
                call.Return((long)proxy.Servers.Count) + call.Return((long)proxy.Listeners.Count) + call.Return(table);
        });
        // server(i, j) → name, puid, address.
        state.Expose(Internal, "server", call =>
        {
            var server = all[(int)call.GetInteger(1) - 1].Servers[(int)call.GetInteger(2) - 1];
            return call.Return(server.Name) + call.Return(server.Puid.ToString(CultureInfo.InvariantCulture)) + call.Return(server.Address);
        });
        state.Expose(Internal, "listener", call => call.Return(all[(int)call.GetInteger(1) - 1].Listeners[(int)call.GetInteger(2) - 1]));
        // stats(proxy, line) → the fields of its show stat line.
        state.Expose(Internal, "stats", call => proxies?.Row(call.GetString(1), call.GetString(2)) is { } row
            ? call.ReturnFields(StatCsv.Fields.Select((field, i) => KeyValuePair.Create(field, ValueOf(field, row.Values[i]))))
            : call.ReturnNil());
        // state(backend, server) → ready, drain or maint.
        state.Expose(Internal, "state", call => call.Return(StateOf(proxies, call.GetString(1), call.GetString(2)).ToString().ToLowerInvariant()));
        // set_state(backend, server, state) → nil, or why not.
        state.Expose(Internal, "set_state", call =>
        {
            if (proxies?.Servers is not { } servers)
            {
                return call.Return("servers take a state once the node's listeners run (not in a file's body or an init function)");
            }
            var admin = Enum.Parse<ServerAdminState>(call.GetString(3), ignoreCase: true);
            return servers.Set(call.GetString(1), call.GetString(2), admin) is { } refusal ? call.Return(refusal) : call.ReturnNil();
        });
        // force(backend, server, running|stopping|stopped) → nil, or why not.
        state.Expose(Internal, "force", call =>
        {
            if (proxies?.Servers is not { } servers)
            {
                return call.Return("servers take a state once the node's listeners run (not in a file's body or an init function)");
            }
            var health = Enum.Parse<ServerForcedHealth>(call.GetString(3), ignoreCase: true);
            return servers.Force(call.GetString(1), call.GetString(2), health) is { } refusal ? call.Return(refusal) : call.ReturnNil();
        });
        // set_checks(backend, server, enabled) → nil, or why not.
        state.Expose(Internal, "set_checks", call =>
        {
            // HAProxy's, for a server without checks: nothing to turn on or off.
            if (proxies?.Backend(call.GetString(1))?.HealthCheck is null)
            {
                return call.ReturnNil();
            }
            if (proxies.Servers is not { } servers)
            {
                return call.Return("servers take a state once the node's listeners run (not in a file's body or an init function)");
            }
            return servers.SetChecks(call.GetString(1), call.GetString(2), call.GetBoolean(3)) is { } refusal ? call.Return(refusal) : call.ReturnNil();
        });
        // address(backend, server) → its address now (ADDRESS:PORT), or nil before the listeners run.
        state.Expose(Internal, "address", call =>
        {
            string backend = call.GetString(1), name = call.GetString(2);
            return proxies?.Servers?.List().FirstOrDefault(s => s.Backend == backend && s.Server == name) is { Address.Length: > 0 } server
                && Uri.TryCreate(server.Address, UriKind.Absolute, out var uri)
                ? call.Return($"{uri.Host.Trim('[', ']')}:{uri.Port}")
                : call.ReturnNil();
        });
        // set_addr(backend, server, addr, port) → HAProxy's report, or nil and why not.
        state.Expose(Internal, "set_addr", call =>
        {
            if (proxies?.Servers is not { } servers)
            {
                return call.ReturnNil() + call.Return("a server moves once the node's listeners run (not in a file's body or an init function)");
            }
            string? port = call.IsNoneOrNil(4) ? null : call.GetString(4);
            return servers.SetAddress(call.GetString(1), call.GetString(2), call.GetString(3), port, "Lua script") is { } report
                ? call.Return(report)
                : call.ReturnNil() + call.Return($"backend '{call.GetString(1)}' has no server '{call.GetString(2)}'");
        });
        // weight(backend, server) → its weight now (before the listeners run, as configured).
        state.Expose(Internal, "weight", call =>
        {
            string backend = call.GetString(1), name = call.GetString(2);
            return call.Return((long)(proxies?.Servers?.List().FirstOrDefault(s => s.Backend == backend && s.Server == name)?.Weight
                ?? proxies?.Backend(backend)?.Servers.FirstOrDefault(s => s.Name == name)?.Weight ?? 1));
        });
        // set_weight(backend, server, weight) → nil, or HAProxy's words for why not.
        state.Expose(Internal, "set_weight", call =>
        {
            if (proxies?.Servers is not { } servers)
            {
                return call.Return("a server's weight changes once the node's listeners run (not in a file's body or an init function)");
            }
            return servers.SetWeight(call.GetString(1), call.GetString(2), call.GetString(3)) is { } refusal
                ? call.Return(refusal.TrimEnd())
                : call.ReturnNil();
        });
        // maxconn(backend, server) → its maxconn now (before the listeners run, as configured).
        state.Expose(Internal, "maxconn", call =>
        {
            string backend = call.GetString(1), name = call.GetString(2);
            return call.Return((long)(proxies?.Servers?.List().FirstOrDefault(s => s.Backend == backend && s.Server == name)?.MaxConn
                ?? proxies?.Backend(backend)?.Servers.FirstOrDefault(s => s.Name == name)?.MaxConn ?? 0));
        });
        // set_maxconn(backend, server, maxconn) → nil, or HAProxy's words for why not.
        state.Expose(Internal, "set_maxconn", call =>
        {
            if (proxies?.Servers is not { } servers)
            {
                return call.Return("a server's maxconn changes once the node's listeners run (not in a file's body or an init function)");
            }
            return servers.SetMaxConn(call.GetString(1), call.GetString(2), call.GetString(3)) is { } refusal
                ? call.Return(refusal.TrimEnd())
                : call.ReturnNil();
        });
        // shut_sess(backend, server) → nil, or why not.
        state.Expose(Internal, "shut_sess", call =>
        {
            if (proxies?.Servers is not { } servers)
            {
                return call.Return("a server's sessions end once the node's listeners run (not in a file's body or an init function)");
            }
            return servers.ShutDownSessions(call.GetString(1), call.GetString(2))
                ? call.ReturnNil()
                : call.Return($"backend '{call.GetString(1)}' has no server '{call.GetString(2)}'");
        });
        // switch(frontend, pause|resume|stop) → nil, or why it cannot change yet. HAProxy's own
        // refusals (already paused, stopped before) change nothing and say nothing to a script.
        state.Expose(Internal, "switch", call =>
        {
            if (proxies?.Listeners is not { } listeners)
            {
                return call.Return("a frontend's listener changes once the node's listeners run (not in a file's body or an init function)");
            }
            string frontend = call.GetString(1);
            _ = call.GetString(2) switch
            {
                "pause" => listeners.Pause(frontend),
                "resume" => listeners.Resume(frontend),
                _ => listeners.Stop(frontend),
            };
            return call.ReturnNil();
        });
        LuaStickTableApi.Expose(state, Internal, proxies?.Tables ?? new Stick.StickTables());
        state.RunModule(Source, "proxy", 0);
    }

    /// <summary>Sets <c>core.proxies</c>, <c>core.frontends</c> and <c>core.backends</c> in
    /// <paramref name="state"/>: once its files have run, as HAProxy's post-init does.</summary>
    public static void Publish(LuaState state) =>
        state.Execute($"local publish = {Publisher}; {Publisher} = nil; publish()", "=proxies");

    private static ServerAdminState StateOf(ProxyDirectory? proxies, string backend, string server) =>
        proxies?.Servers?.List().FirstOrDefault(s => s.Backend == backend && s.Server == server)?.Admin ?? ServerAdminState.Ready;

    private static object? ValueOf(string field, string value) =>
        value.Length == 0 ? null
        : TextFields.Contains(field) ? value
        : long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number) ? number
        : value;
}
