using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ActorProxy.Runtime.Logging;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Host.Logging;

/// <summary>
/// Where access log lines go: a request hands its line over and goes on, and one task sends the
/// lines to their targets (UDP syslog, a Unix datagram socket, stdout or stderr, a file), off the
/// request path. As HAProxy, a line that cannot be sent at once is dropped and counted, never
/// waited for: past <see cref="Capacity"/> lines waiting, new ones are dropped. A target that
/// fails is reported once, and the others go on. The sending task wakes up once per
/// <see cref="FlushInterval"/> at most, whatever the rate of lines: a wake-up per line would cost
/// the node a thread switch per request.
/// </summary>
internal sealed class AccessLogSink : IAsyncDisposable
{
    /// <summary>The lines that may wait to be sent.</summary>
    public const int Capacity = 16384;

    /// <summary>The longest a line waits for the sending task once it is awake.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(10);

    private readonly Channel<Line> _lines = Channel.CreateBounded<Line>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly string _tag;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Task _sending;
    private readonly Dictionary<LogTarget, Destination> _destinations = [];
    private long _dropped;

    public AccessLogSink(string tag, TimeProvider time, ILogger logger)
    {
        _tag = tag;
        _time = time;
        _logger = logger;
        _sending = Task.Run(SendAllAsync);
    }

    /// <summary>Lines dropped because too many waited (HAProxy's <c>DroppedLogs</c>).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Hands <paramref name="message"/> over for <paramref name="targets"/> at <paramref name="level"/>.</summary>
    public void Send(IReadOnlyList<LogTarget> targets, int level, string message)
    {
        if (!_lines.Writer.TryWrite(new Line(targets, level, message, _time.GetLocalNow())))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Sends what waits, then closes the targets.</summary>
    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _sending;
        foreach (var destination in _destinations.Values)
        {
            destination.Dispose();
        }
    }

    private async Task SendAllAsync()
    {
        int pid = Environment.ProcessId;
        var reader = _lines.Reader;
        var message = new SyslogMessage(_tag, pid);
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var line))
            {
                foreach (var target in line.Targets)
                {
                    if (message.Build(target, line.Level, line.Message, line.Time) is not { } bytes)
                    {
                        continue;
                    }
                    if (!_destinations.TryGetValue(target, out var destination))
                    {
                        destination = new Destination(target, _logger);
                        _destinations.Add(target, destination);
                    }
                    Interlocked.Add(ref _dropped, destination.Add(bytes.Span));
                }
            }
            foreach (var destination in _destinations.Values)
            {
                Interlocked.Add(ref _dropped, destination.Flush());
            }
            if (!reader.Completion.IsCompleted)
            {
                await Task.Delay(FlushInterval, _time);
            }
        }
    }

    private sealed record Line(IReadOnlyList<LogTarget> Targets, int Level, string Message, DateTimeOffset Time);

    // One target's socket or stream, opened at its first line, reported once when it fails. Its
    // lines gather until the sending task has read all that waits: one system call for a batch
    // of datagrams or a buffer of a stream's lines, not one per line.
    private sealed class Destination(LogTarget target, ILogger logger) : IDisposable
    {
        private const int BatchSize = 64;
        private const int StreamBuffer = 64 * 1024;

        private Socket? _socket;
        private DatagramBatch? _batch;
        private Stream? _stream;
        private bool _failed;

        // Takes a line; returns how many lines were dropped on the way (a full socket, a failure).
        public int Add(ReadOnlySpan<byte> bytes)
        {
            if (target.Kind is LogTargetKind.Udp or LogTargetKind.UnixDatagram)
            {
                int dropped = _batch?.IsFull == true ? Flush() : 0;
                if (Open() is null)
                {
                    return dropped + 1;
                }
                _batch!.Add(bytes);
                return dropped;
            }
            try
            {
                _stream ??= new BufferedStream(OpenStream(), StreamBuffer);
                _stream.Write(bytes);
                return 0;
            }
            catch (Exception e) when (IsSendFailure(e))
            {
                Failed(e);
                return 1;
            }
        }

        // Sends what gathered; returns how many lines were dropped.
        public int Flush()
        {
            if (_batch is not { Count: > 0 } && _stream is null)
            {
                return 0;
            }
            int waiting = _batch?.Count ?? 0;
            try
            {
                int dropped = _batch is null ? 0 : _batch.Send(_socket!);
                _stream?.Flush();
                if (_failed)
                {
                    logger.LogWarning("access log target {Target}: sending again", target.Name);
                    _failed = false;
                }
                return dropped;
            }
            catch (Exception e) when (IsSendFailure(e))
            {
                Failed(e);
                return waiting;
            }
        }

        private Socket? Open()
        {
            if (_socket is not null)
            {
                return _socket;
            }
            try
            {
                var (socket, address) = target.Kind == LogTargetKind.Udp
                    ? (new Socket(target.EndPoint!.AddressFamily, SocketType.Dgram, ProtocolType.Udp), target.EndPoint!.Serialize())
                    : (new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified), new UnixDomainSocketEndPoint(target.Path!).Serialize());
                _batch = new DatagramBatch(BatchSize, target.MaxLength + 1, address);
                return _socket = socket;
            }
            catch (SocketException e)
            {
                Report(e);
                return null;
            }
        }

        private static bool IsSendFailure(Exception e) => e is SocketException or IOException or UnauthorizedAccessException;

        private void Failed(Exception e)
        {
            Report(e);
            try
            {
                // A buffered stream writes what it holds as it closes: that fails again, and the
                // failure is reported already.
                _stream?.Dispose();
            }
            catch (Exception again) when (IsSendFailure(again))
            {
            }
            _stream = null;
        }

        private void Report(Exception e)
        {
            if (!_failed)
            {
                logger.LogError("access log target {Target}: {Reason}; its lines are dropped until it works again", target.Name, e.Message);
                _failed = true;
            }
        }

        private Stream OpenStream() => target.Kind switch
        {
            LogTargetKind.Stdout => Console.OpenStandardOutput(),
            LogTargetKind.Stderr => Console.OpenStandardError(),
            _ => new FileStream(target.Path!, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete),
        };

        public void Dispose()
        {
            Flush();
            _batch?.Dispose();
            _socket?.Dispose();
            _stream?.Dispose();
        }
    }
}
