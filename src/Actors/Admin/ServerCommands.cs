using System.Globalization;
using System.Text;
using ActorProxy.Runtime.Config;

namespace ActorProxy.Actors.Admin;

/// <summary>HAProxy's runtime commands on servers (server.c's CLI): <c>show servers state</c>,
/// <c>set server B/S state ready|drain|maint</c>, <c>set server B/S addr A [port P]</c>,
/// <c>set server B/S weight W[%]</c>, <c>set weight B/S W[%]</c>, <c>get weight B/S</c>,
/// <c>set maxconn server B/S N</c>, <c>shutdown sessions server B/S</c>, <c>set server B/S health
/// up|stopping|down</c> and <c>enable|disable health B/S</c>, with
/// HAProxy's answers and errors.</summary>
internal static class ServerCommands
{
    /// <summary>True for the words of a server command.</summary>
    public static bool Handles(string[] words) =>
        words is ["show", "servers", "state"] or ["set", "server", ..] or ["set" or "get", "weight", ..] or ["shutdown", "sessions", "server", ..] or ["set", "maxconn", "server", ..]
            or ["enable" or "disable", "health", ..];

    /// <summary>Runs <paramref name="words"/> on <paramref name="servers"/> (null when the node
    /// has no listeners running).</summary>
    public static AdminReply Run(IServerStates? servers, string[] words) => words switch
    {
        ["show", "servers", "state"] => On(servers, words, Show),
        ["set", "server", var server, "state", var state] => On(servers, words, s => SetState(s, server, state)),
        ["set", "server", var server, "addr", var address] => On(servers, words, s => Move(s, server, address, null)),
        ["set", "server", var server, "addr", var address, "port", var port] => On(servers, words, s => Move(s, server, address, port)),
        ["set", "server", var server, "health", var health] => On(servers, words, s => Force(s, server, health)),
        ["enable" or "disable", "health", .. var server] => On(servers, words, s => SetChecks(s, server.FirstOrDefault() ?? "", words[0] == "enable")),
        ["set", "server", _, "addr"] => new AdminReply(false, "set server <b>/<s> addr requires an address and optionally a port.\n"),
        ["set", "server", var server, "weight", .. var weight] => On(servers, words, s => SetWeight(s, server, weight)),
        ["set", "weight", var server, .. var weight] => On(servers, words, s => SetWeight(s, server, weight)),
        ["get", "weight", .. var server] => On(servers, words, s => GetWeight(s, server.FirstOrDefault() ?? "")),
        ["shutdown", "sessions", "server", .. var server] => On(servers, words, s => ShutDown(s, server.FirstOrDefault() ?? "")),
        ["set", "maxconn", "server", var server, .. var maxConn] => On(servers, words, s => SetMaxConn(s, server, maxConn)),
        ["set", "maxconn", "server"] => new AdminReply(false, "Require 'backend/server'.\n"),
        _ => new AdminReply(false, "set server: expected BACKEND/SERVER state ready|drain|maint, BACKEND/SERVER addr ADDRESS [port PORT], BACKEND/SERVER weight WEIGHT[%] or BACKEND/SERVER health up|stopping|down\n"),
    };

    // A well-formed command runs once the node's listeners run.
    private static AdminReply On(IServerStates? servers, string[] words, Func<IServerStates, AdminReply> command) =>
        servers is null
            ? new AdminReply(false, $"{(words[0] == "show" ? "show servers state" : $"{words[0]} {words[1]}")}: the node has no listeners running\n")
            : command(servers);

    private static AdminReply Show(IServerStates servers)
    {
        var text = new StringBuilder("# backend server address admin health weight initial_weight\n");
        foreach (var server in servers.List())
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{server.Backend} {server.Server} {server.Address} {server.Admin.ToString().ToLowerInvariant()} {server.Health} {server.Weight} {server.InitialWeight}\n");
        }
        return new AdminReply(true, text.ToString());
    }

    private static AdminReply SetState(IServerStates servers, string target, string state)
    {
        string[] parts = target.Split('/');
        if (parts.Length != 2 || !Enum.TryParse<ServerAdminState>(state, ignoreCase: true, out var admin) || int.TryParse(state, out _))
        {
            return new AdminReply(false, $"set server: expected BACKEND/SERVER state ready|drain|maint, got '{target} state {state}'\n");
        }
        return servers.Set(parts[0], parts[1], admin) is { } error
            ? new AdminReply(false, $"set server: {error}\n")
            : new AdminReply(true, "");
    }

    // set server B/S addr A [port P]: HAProxy's report as a warning line, as its cli_msg writes it.
    private static AdminReply Move(IServerStates servers, string target, string address, string? port)
    {
        var (backend, server, error) = Find(servers, target);
        if (error is not null)
        {
            return new AdminReply(false, error);
        }
        return servers.SetAddress(backend, server, address, port, "stats socket command") is { } report
            ? new AdminReply(true, report + "\n")
            : new AdminReply(false, "No such server.\n");
    }

    // server_parse_weight_change_request: no answer when done; an empty weight is HAProxy's "Require".
    private static AdminReply SetWeight(IServerStates servers, string target, string[] weight)
    {
        var (backend, server, error) = Find(servers, target);
        if (error is not null)
        {
            return new AdminReply(false, error);
        }
        return servers.SetWeight(backend, server, weight.FirstOrDefault() ?? "") is { } refusal
            ? new AdminReply(false, refusal)
            : new AdminReply(true, "");
    }

    // cli_parse_set_server's health: no answer when done.
    private static AdminReply Force(IServerStates servers, string target, string health)
    {
        var (backend, server, error) = Find(servers, target);
        if (error is not null)
        {
            return new AdminReply(false, error);
        }
        ServerForcedHealth? forced = health switch
        {
            "up" => ServerForcedHealth.Running,
            "stopping" => ServerForcedHealth.Stopping,
            "down" => ServerForcedHealth.Stopped,
            _ => null,
        };
        if (forced is null)
        {
            return new AdminReply(false, "'set server <srv> health' expects 'up', 'stopping', or 'down'.\n");
        }
        return servers.Force(backend, server, forced.Value) is { } refusal
            ? new AdminReply(false, refusal + "\n")
            : new AdminReply(true, "");
    }

    // cli_parse_enable_health, cli_parse_disable_health: no answer when done; a server without
    // checks cannot have them enabled, and disabling them does nothing.
    private static AdminReply SetChecks(IServerStates servers, string target, bool enabled)
    {
        var (backend, server, error) = Find(servers, target);
        if (error is not null)
        {
            return new AdminReply(false, error);
        }
        if (enabled && servers.List().FirstOrDefault(s => s.Backend == backend && s.Server == server)?.Checks?.Checked != true)
        {
            return new AdminReply(false, "Health check was not configured on this server, cannot enable.\n");
        }
        return servers.SetChecks(backend, server, enabled) is { } refusal
            ? new AdminReply(false, refusal + "\n")
            : new AdminReply(true, "");
    }

    // cli_parse_set_maxconn_server: no answer when done.
    private static AdminReply SetMaxConn(IServerStates servers, string target, string[] maxConn)
    {
        var (backend, server, error) = Find(servers, target);
        if (error is not null)
        {
            return new AdminReply(false, error);
        }
        return servers.SetMaxConn(backend, server, maxConn.FirstOrDefault() ?? "") is { } refusal
            ? new AdminReply(false, refusal)
            : new AdminReply(true, "");
    }

    // cli_parse_shutdown_sessions_server: no answer when done.
    private static AdminReply ShutDown(IServerStates servers, string target)
    {
        var (backend, server, error) = Find(servers, target);
        if (error is not null)
        {
            return new AdminReply(false, error);
        }
        return servers.ShutDownSessions(backend, server) ? new AdminReply(true, "") : new AdminReply(false, "No such server.\n");
    }

    private static AdminReply GetWeight(IServerStates servers, string target)
    {
        var (backend, server, error) = Find(servers, target);
        if (error is not null)
        {
            return new AdminReply(false, error);
        }
        var state = servers.List().First(s => s.Backend == backend && s.Server == server);
        return new AdminReply(true, string.Create(CultureInfo.InvariantCulture, $"{state.Weight} (initial {state.InitialWeight})\n"));
    }

    // get_backend_server, with cli_find_server's errors.
    private static (string Backend, string Server, string? Error) Find(IServerStates servers, string target)
    {
        int slash = target.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || slash == target.Length - 1)
        {
            return ("", "", "Require 'backend/server'.\n");
        }
        string backend = target[..slash], server = target[(slash + 1)..];
        var all = servers.List();
        return all.Any(s => s.Backend == backend && s.Server == server) ? (backend, server, null)
            : all.Any(s => s.Backend == backend) ? (backend, server, "No such server.\n")
            : (backend, server, "No such backend.\n");
    }
}
