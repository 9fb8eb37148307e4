using System.Net;
using ActorProxy.Host.Configuration;
using ActorProxy.Runtime.Config;
using Akka.Configuration;

namespace ActorProxy.Host.CommandLine;

/// <summary>The node's akka.remote address, checked before the actor system starts: a port in
/// use is one clear line naming the key, where Akka's transport would print five nested
/// exceptions and a stack trace.</summary>
internal static class RemotingPort
{
    private const string Key = "akka.remote.dot-netty.tcp";

    /// <summary>Throws <see cref="ConfigException"/> when the configured address cannot be bound.</summary>
    public static void EnsureFree(Config akka, string file)
    {
        int port = akka.GetInt($"{Key}.port");
        if (port == 0 || !IPAddress.TryParse(akka.GetString($"{Key}.hostname"), out var address))
        {
            return;
        }
        if (PortProbe.WhyNotFree(new IPEndPoint(address, port)) is { } why)
        {
            throw new ConfigException([new ConfigError(file, $"{Key}.port", $"{why} (another node on this machine?): the node's cluster address must be free")]);
        }
    }
}
