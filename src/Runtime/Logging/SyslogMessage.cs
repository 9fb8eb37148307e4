using System.Globalization;
using System.Text;

namespace ActorProxy.Runtime.Logging;

/// <summary>
/// Log messages as HAProxy 2.6 sends them to a target (<c>build_log_header</c>, <c>__do_send_log</c>):
/// the target's header, the message, cut at the target's <c>len</c>, and a line feed. One
/// instance serves one sender at a time: the bytes of a message are in its buffer until the next.
/// </summary>
/// <param name="tag">The program name in the header (<c>log-tag</c>).</param>
/// <param name="pid">The process id in the header.</param>
public sealed class SyslogMessage(string tag, int pid)
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private readonly string _pid = pid.ToString(CultureInfo.InvariantCulture);
    private byte[] _buffer = new byte[LogTarget.DefaultMaxLength + 1];
    // The legacy timestamp of the second last written ("Dec  1 18:57:41"), as HAProxy keeps it.
    private long _second = long.MinValue;
    private string _legacyTime = "";

    /// <summary>The bytes to send <paramref name="message"/> at <paramref name="level"/> to
    /// <paramref name="target"/> at <paramref name="now"/> (the node's time zone), or null when
    /// the target does not take that level; valid until the next call.</summary>
    public ReadOnlyMemory<byte>? Build(LogTarget target, int level, string message, DateTimeOffset now)
    {
        if (level > target.MaxLevel)
        {
            return null;
        }
        level = Math.Max(level, target.MinLevel);
        string header = Header(target.Format, level, target.Facility, now);
        int most = target.MaxLength + 1;
        if (_buffer.Length < most)
        {
            _buffer = new byte[most];
        }
        int length = Encoding.UTF8.GetBytes(header, _buffer);
        length += Write(message, _buffer.AsSpan(length, target.MaxLength - Math.Min(length, target.MaxLength)));
        length = Math.Min(length, target.MaxLength);
        _buffer[length] = (byte)'\n';
        return _buffer.AsMemory(0, length + 1);
    }

    // As much of the text as fits, whole characters only.
    private static int Write(string text, Span<byte> into)
    {
        if (Encoding.UTF8.GetMaxByteCount(text.Length) <= into.Length || Encoding.UTF8.GetByteCount(text) <= into.Length)
        {
            return Encoding.UTF8.GetBytes(text, into);
        }
        Encoding.UTF8.GetEncoder().Convert(text, into, flush: true, out _, out int written, out _);
        return written;
    }

    private string Header(LogHeaderFormat format, int level, int facility, DateTimeOffset now)
    {
        int priority = facility * 8 + level;
        return format switch
        {
            // HAProxy sends no host name unless log-send-hostname is set.
            LogHeaderFormat.Rfc3164 or LogHeaderFormat.Local => $"<{priority}>{LegacyTime(now)} {tag}[{_pid}]: ",
            LogHeaderFormat.Rfc5424 => $"<{priority}>1 {IsoTime(now)} - {tag} {_pid} - - ",
            LogHeaderFormat.Priority => $"<{priority}>",
            LogHeaderFormat.LevelOnly => $"<{level}>",
            LogHeaderFormat.Timed => $"<{level}>{IsoTime(now)} ",
            LogHeaderFormat.Iso => $"{IsoTime(now)} ",
            _ => "",
        };
    }

    // 'Dec  1 18:57:41': the day padded with a space.
    private string LegacyTime(DateTimeOffset now)
    {
        long second = now.ToUnixTimeSeconds();
        if (second != _second)
        {
            _legacyTime = string.Create(CultureInfo.InvariantCulture, $"{Months[now.Month - 1]} {now.Day,2} {now:HH:mm:ss}");
            _second = second;
        }
        return _legacyTime;
    }

    // '2026-12-01T18:57:41.559123+00:00', HAProxy's timeofday_as_iso_us.
    private static string IsoTime(DateTimeOffset now) =>
        now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
}
