using ActorProxy.Actors.Admin;
using ActorProxy.Actors.Node;
using ActorProxy.Host.Remoting;
using Akka.Actor;
using Akka.Configuration;

namespace ActorProxy.Host.CommandLine;

/// <summary><c>actorproxy admin [--node ADDRESS] [--credentials DIR] [--level LEVEL] COMMAND…</c>:
/// sends one admin command as an actor message to a running node's <see cref="AdminActor"/> and
/// prints the answer. The tool connects over TLS with the certificate of its credentials folder
/// (the running user's own by default, as the node's) and sends the key of the level asked for,
/// else the highest it holds.</summary>
internal static class AdminCommandLine
{
    /// <summary>The node the default configuration's <c>akka.remote</c> listens on.</summary>
    public const string DefaultNode = "127.0.0.1:9091";

    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    private static readonly Config ClientConfig = ConfigurationFactory.ParseString("""
        akka {
          loglevel = OFF
          stdout-loglevel = OFF
          actor.provider = remote
          remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        }
        """).WithFallback(ProxyNode.DefaultAkkaConfig);

    /// <summary>Sends <paramref name="words"/> to <paramref name="node"/>, or with
    /// <paramref name="all"/> to every member of its cluster, each answer under its address.</summary>
    /// <param name="node">The node's akka.remote address.</param>
    /// <param name="words">The command.</param>
    /// <param name="credentials">The credentials folder; null for the running user's own.</param>
    /// <param name="level">The level whose key to send; null for the highest the folder holds.</param>
    /// <param name="all">Every member of the node's cluster.</param>
    public static async Task<int> ExecuteAsync(string node, string[] words, string? credentials = null, AdminLevel? level = null, bool all = false)
    {
        if (!System.Net.IPEndPoint.TryParse(node, out var endpoint) || endpoint.Port == 0)
        {
            await Console.Error.WriteLineAsync($"actorproxy admin: --node expects address:port, such as {DefaultNode}, not '{node}'");
            return 2;
        }
        string folder = credentials ?? RemotingCredentials.DefaultFolder();
        RemotingCredentials held;
        try
        {
            held = RemotingCredentials.Load(folder);
        }
        catch (CredentialsException e)
        {
            await Console.Error.WriteLineAsync($"actorproxy admin: {e.Message} (a node makes its user's at its first start; a cluster's come from scripts/cluster-certs.sh; --credentials DIR names another folder)");
            return 1;
        }
        using var _ = held;
        var key = level is { } wanted
            ? held.Keys.GetValueOrDefault(wanted)
            : held.Keys.OrderByDescending(k => k.Key).Select(k => k.Value).FirstOrDefault();
        if (key is null)
        {
            await Console.Error.WriteLineAsync($"actorproxy admin: {folder} holds no {(level is { } l ? RemotingCredentials.KeyFile(l) : "admin, operator or user key")}");
            return 1;
        }
        string line = string.Join(' ', words);
        var system = ActorSystem.Create("actorproxy-admin", BootstrapSetup.Create()
            .WithConfig(RemotingTls.Config.WithFallback(ClientConfig))
            .And(RemotingTls.Setup(held)));
        try
        {
            string address = $"{RemotingTls.Protocol}://actorproxy@{node}";
            if (!all)
            {
                var reply = await AskAsync(system, address, line, key);
                if (!reply.Success)
                {
                    await Console.Error.WriteLineAsync($"actorproxy admin: {reply.Text.TrimEnd('\n')}");
                    return 1;
                }
                await Console.Out.WriteAsync(reply.Text);
                return 0;
            }
            var members = await AskAsync(system, address, "show members", key);
            int code = 0;
            // Every member at once, each bounded: one that is down costs its own line.
            var answers = members.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(async member => (member, reply: await TryAskAsync(system, member, line, key)));
            foreach (var (member, reply) in await Task.WhenAll(answers))
            {
                await Console.Out.WriteAsync($"== {member}\n{reply?.Text ?? $"(no answer within {AnswerTimeout.TotalSeconds:0} s)\n"}");
                if (reply is not { Success: true })
                {
                    code = 1;
                }
            }
            return code;
        }
        catch (AskTimeoutException)
        {
            // Akka.Remote stops a system whose outbound TLS handshake failed: that says why.
            bool tls = CoordinatedShutdown.Get(system).ShutdownReason?.GetType().Name.StartsWith("TlsHandshake", StringComparison.Ordinal) == true;
            await Console.Error.WriteLineAsync(tls
                ? $"actorproxy admin: the TLS handshake with node {node} failed: its certificate and this tool's ({folder}) are not from the same authority (a node logs the peers it refuses)"
                : $"actorproxy admin: node {node} did not answer within {AnswerTimeout.TotalSeconds:0} s (is it running with akka.remote on that address, with credentials from the same authority as {folder}? A node logs the peers it refuses)");
            return 1;
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static Task<AdminReply> AskAsync(ActorSystem system, string address, string line, string key) =>
        AdminClient.AskAsync(system, system.ActorSelection($"{address}/user/{AdminActor.Name}"), new AdminCommand(line, key), AnswerTimeout);

    private static async Task<AdminReply?> TryAskAsync(ActorSystem system, string address, string line, string key)
    {
        try
        {
            return await AskAsync(system, address, line, key);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
