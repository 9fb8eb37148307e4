namespace ActorProxy.Host.CommandLine;

/// <summary>Where the default configuration is when no <c>-f</c> is given.</summary>
internal static class DefaultConfig
{
    private const string RelativePath = "hocon/actorproxy.conf";

    /// <summary>hocon/actorproxy.conf in the current folder (a checkout), else the copy beside the executable.</summary>
    public static string Locate()
    {
        string local = Path.GetFullPath(RelativePath);
        return File.Exists(local) ? local : Path.Combine(AppContext.BaseDirectory, RelativePath);
    }
}
