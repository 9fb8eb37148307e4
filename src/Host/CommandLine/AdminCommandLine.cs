using ActorProxy.Actors.Admin;
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
        """);

    public static async Task<int> ExecuteAsync(string node, string[] words)
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
            var admin = system.ActorSelection($"akka.tcp://actorproxy@{node}/user/{AdminActor.Name}");
            var reply = await admin.Ask<AdminReply>(new AdminCommand(line), AnswerTimeout);
            if (!reply.Success)
            {
                await Console.Error.WriteLineAsync($"actorproxy admin: {reply.Text}");
                return 1;
            }
            await Console.Out.WriteAsync(reply.Text);
            return 0;
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
}
