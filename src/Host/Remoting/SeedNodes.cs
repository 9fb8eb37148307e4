using ActorProxy.Runtime.Config;
using Akka.Configuration;

namespace ActorProxy.Host.Remoting;

/// <summary>The configured seed nodes, checked before the node starts: members speak TLS, so a
/// seed written as <c>akka.tcp://</c> (Akka's plain scheme) could never be reached; that is one
/// clear error at check and run rather than a join that times out.</summary>
internal static class SeedNodes
{
    private const string Key = "akka.cluster.seed-nodes";

    /// <summary>Throws <see cref="ConfigException"/> naming each seed that is not an
    /// <c>akka.ssl.tcp://actorproxy@HOST:PORT</c> address.</summary>
    public static void Check(Config akka, string file)
    {
        var errors = akka.GetStringList(Key, [])
            .Where(seed => !IsMemberAddress(seed))
            .Select(seed => new ConfigError(file, Key,
                $"'{seed}' is not a member's address: members speak TLS, so a seed is {RemotingTls.Protocol}://actorproxy@HOST:PORT"))
            .ToList();
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
    }

    private static bool IsMemberAddress(string seed) =>
        Uri.TryCreate(seed, UriKind.Absolute, out var uri) && uri.Scheme == RemotingTls.Protocol &&
        uri.UserInfo == "actorproxy" && uri.Port > 0 && uri.AbsolutePath is "" or "/";
}
