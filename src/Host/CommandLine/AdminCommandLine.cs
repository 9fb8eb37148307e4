using ActorProxy.Actors.Admin;
using ActorProxy.Actors.Node;
using Akka.Actor;
using Akka.Configuration;

namespace ActorProxy.Host.CommandLine;

/// <summary><c>actorproxy admin [--node ADDRESS] COMMAND…</c>: sends one admin command as an
/// actor message to a running node's <see cref="AdminActor"/> and prints the answer.</summary>
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
    public static async Task<int> ExecuteAsync(string node, string[] words, bool all = false)
    {
        if (!System.Net.IPEndPoint.TryParse(node, out var endpoint) || endpoint.Port == 0)
        {
            await Console.Error.WriteLineAsync($"actorproxy admin: --node expects address:port, such as {DefaultNode}, not '{node}'");
            return 2;
        }
        string line = string.Join(' ', words);
        var system = ActorSystem.Create("actorproxy-admin", ClientConfig);
        try
        {
            string address = $"akka.tcp://actorproxy@{node}";
            if (!all)
            {
                var reply = await AskAsync(system, address, line);
                if (!reply.Success)
                {
                    await Console.Error.WriteLineAsync($"actorproxy admin: {reply.Text}");
                    return 1;
                }
                await Console.Out.WriteAsync(reply.Text);
                return 0;
            }
            var members = await AskAsync(system, address, "show members");
            int code = 0;
            // Every member at once, each bounded: one that is down costs its own line.
            var answers = members.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(async member => (member, reply: await TryAskAsync(system, member, line)));
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
            await Console.Error.WriteLineAsync($"actorproxy admin: node {node} did not answer within {AnswerTimeout.TotalSeconds:0} s (is it running with akka.remote on that address?)");
            return 1;
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static Task<AdminReply> AskAsync(ActorSystem system, string address, string line) =>
        system.ActorSelection($"{address}/user/{AdminActor.Name}").Ask<AdminReply>(new AdminCommand(line), AnswerTimeout);

    private static async Task<AdminReply?> TryAskAsync(ActorSystem system, string address, string line)
    {
        try
        {
            return await AskAsync(system, address, line);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
