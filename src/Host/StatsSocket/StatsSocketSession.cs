using System.Buffers;
using System.IO.Pipelines;
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
/// until <c>quit</c> or the client's end. A client silent for <c>stats timeout</c> (HAProxy's
/// default, 10 s) is disconnected, and a line longer than HAProxy's buffer is refused unread.
/// </summary>
internal sealed class StatsSocketSession(Socket client, IActorRef admin, AdminLevel level, ILogger logger, TimeProvider time)
{
    // HAProxy's CLI line limit (its buffer); a longer line is refused, not run cut.
    private const int MaxLine = 16 * 1024;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    /// <summary>HAProxy's <c>stats timeout</c> default: the longest a client may stay silent.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Serves the connection until it ends; never throws.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await using var stream = new NetworkStream(client, ownsSocket: true);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        bool interactive = false;
        try
        {
            while (await ReadLineAsync(input, stop) is { Text: { } line } read)
            {
                var answer = new StringBuilder();
                bool quit = false;
                if (read.TooLong)
                {
                    answer.Append("Command line too long.\n\n");
                    quit = true;
                }
                else if (PayloadCommand(line) is { } withPayload)
                {
                    // HAProxy's payload: the lines up to an empty one; a client that leaves first ran nothing.
                    if (await ReadPayloadAsync(input, stop) is not { } payload)
                    {
                        return;
                    }
                    answer.Append(await RunAsync(withPayload, payload)).Append('\n');
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
            // The client went away or stayed silent, or the node stops.
        }
        finally
        {
            await input.CompleteAsync();
        }
    }

    // A line from the client, without its end of line: null at the client's end; TooLong (and
    // empty) past MaxLine, its rest unread.
    private readonly record struct LineRead(string? Text, bool TooLong);

    // The next line; throws OperationCanceledException when the client stays silent too long.
    private async Task<LineRead> ReadLineAsync(PipeReader input, CancellationToken stop)
    {
        using var idle = new CancellationTokenSource(IdleTimeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(idle.Token, stop);
        while (true)
        {
            var read = await input.ReadAsync(either.Token);
            var buffer = read.Buffer;
            if (buffer.PositionOf((byte)'\n') is { } end)
            {
                string line = Encoding.UTF8.GetString(buffer.Slice(0, end)).TrimEnd('\r');
                input.AdvanceTo(buffer.GetPosition(1, end));
                return new LineRead(line, line.Length > MaxLine);
            }
            if (buffer.Length > MaxLine)
            {
                return new LineRead("", TooLong: true);
            }
            if (read.IsCompleted)
            {
                // A last command without its newline is a command still, as for HAProxy.
                string? last = buffer.IsEmpty ? null : Encoding.UTF8.GetString(buffer);
                input.AdvanceTo(buffer.End);
                return new LineRead(last, false);
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    // A command line that ends in " <<" takes a payload: the command without it.
    private static string? PayloadCommand(string line)
    {
        string trimmed = line.TrimEnd();
        return trimmed.EndsWith(" <<", StringComparison.Ordinal) ? trimmed[..^3].TrimEnd() : null;
    }

    // The payload's lines, joined by line ends, up to the empty line that ends it; null when the
    // client ends first, or sends a line too long.
    private async Task<string?> ReadPayloadAsync(PipeReader input, CancellationToken stop)
    {
        var lines = new List<string>();
        while (await ReadLineAsync(input, stop) is { Text: { } line, TooLong: false })
        {
            if (line.Length == 0)
            {
                return string.Join('\n', lines);
            }
            lines.Add(line);
        }
        return null;
    }

    private async Task<string> RunAsync(string command, string? payload = null)
    {
        try
        {
            var reply = await admin.Ask<AdminReply>(new AdminCommand(command, Level: level, Payload: payload), CommandTimeout);
            // As HAProxy's CLI writes a message: as it is, so that one without a newline of its
            // own ends at the empty line that closes every answer.
            return reply.Text;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            logger.LogWarning("stats socket: '{Command}' got no answer within {Timeout}", command, CommandTimeout);
            return $"'{command}': no answer from the node in time\n";
        }
    }
}
