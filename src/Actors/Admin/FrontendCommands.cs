using ActorProxy.Runtime.Config;

namespace ActorProxy.Actors.Admin;

/// <summary>HAProxy's runtime commands on frontends (proxy.c's CLI): <c>disable frontend NAME</c>
/// (pause its listener), <c>enable frontend NAME</c> (resume it) and <c>shutdown frontend NAME</c>
/// (stop it for good), with HAProxy's answers and errors.</summary>
internal static class FrontendCommands
{
    /// <summary>True for the words of a frontend command.</summary>
    public static bool Handles(string[] words) => words is ["disable" or "enable" or "shutdown", "frontend", ..];

    /// <summary>Runs <paramref name="words"/> on the frontends of <paramref name="config"/>, whose
    /// listeners are <paramref name="listeners"/> (null when they do not run).</summary>
    public static AdminReply Run(ProxyConfig config, IFrontendListeners? listeners, string[] words)
    {
        // cli_find_frontend.
        string name = words.Length > 2 ? words[2] : "";
        if (name.Length == 0)
        {
            return new AdminReply(false, "A frontend name is expected.\n");
        }
        if (!config.Frontends.Any(f => f.Name == name))
        {
            return new AdminReply(false, "No such frontend.\n");
        }
        if (listeners is null)
        {
            return new AdminReply(false, $"{words[0]} frontend: the node has no listeners running\n");
        }
        var change = words[0] switch
        {
            "disable" => listeners.Pause(name),
            "enable" => listeners.Resume(name),
            _ => listeners.Stop(name),
        };
        return new AdminReply(!change.Refused, change.Message);
    }
}
