using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua;

namespace ActorProxy.Host.CommandLine;

/// <summary>Prints why a start failed, one error a line on stderr, as <c>haproxy -c</c> does.</summary>
internal static class BootReport
{
    /// <summary>Prints every error of <paramref name="failure"/> and returns the exit code.</summary>
    public static int Fail(Exception failure)
    {
        var lines = failure switch
        {
            ConfigException config => config.Errors.Select(e => e.ToString()),
            LuaBootException boot => boot.Errors,
            _ => [failure.Message],
        };
        foreach (string line in lines)
        {
            Console.Error.WriteLine($"[ALERT] {line}");
        }
        return 1;
    }
}
