using System.Net.Sockets;
using System.Text;
using ActorProxy.Actors.Admin;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.StatsSocket;

/// <summary>
/// One connection to the stats socket, as HAProxy's CLI: a line holds one or more commands
/// separated by ';', each answered by its output and an empty line; without <c>prompt</c> the
/// connection closes after the first line, with it each answer is followed by the "> " prompt
/// until <c>quit</c> or the client's end.
/// </summary>
internal sealed class StatsSocketSession(Socket client, IActorRef admin, AdminLevel level, ILogger logger)
{
    // HAProxy's CLI line limit (its buffer); a longer line is refused, not run cut.
    private const int MaxLine = 16 * 1024;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Serves the connection until it ends; never throws.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await using var stream = new NetworkStream(client, ownsSocket: true);
        using var reader = new StreamReader(stream, Encoding.UTF8, false, 4096, leaveOpen: true);
        bool interactive = false;
        try
        {
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                var answer = new StringBuilder();
                bool quit = false;
                if (line.Length > MaxLine)
                {
                    answer.Append("Command line too long.\n\n");
                }
                else
                {
                    foreach (string command in line.Split(';', StringSplitOptions.TrimEntries))
                    {
                        switch (command)
                        {
                            case "quit":
                                quit = true;
                                break;
                            case "prompt":
                                interactive = !interactive;
                                break;
                            case "":
                                break;
                            default:
                                answer.Append(await RunAsync(command)).Append('\n');
                                break;
                        }
                        if (quit)
                        {
                            break;
                        }
                    }
                }
                if (interactive && !quit)
                {
                    answer.Append(answer.Length == 0 ? "\n> " : "> ");
                }
                await stream.WriteAsync(Encoding.UTF8.GetBytes(answer.ToString()), stop);
                if (quit || !interactive)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the node stops.
        }
    }

    private async Task<string> RunAsync(string command)
    {
        try
        {
            var reply = await admin.Ask<AdminReply>(new AdminCommand(command, Level: level), CommandTimeout);
            return reply.Text.EndsWith('\n') ? reply.Text : reply.Text + "\n";
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            logger.LogWarning("stats socket: '{Command}' got no answer within {Timeout}", command, CommandTimeout);
            return $"'{command}': no answer from the node in time\n";
        }
    }
}
