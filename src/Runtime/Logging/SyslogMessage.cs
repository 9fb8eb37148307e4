using System.Globalization;
using System.Text;

namespace ActorProxy.Runtime.Logging;

/// <summary>
/// A log message as HAProxy 2.6 sends it to a target (<c>build_log_header</c>, <c>__do_send_log</c>):
/// the target's header, the message, cut at the target's <c>len</c>, and a line feed.
/// </summary>
public static class SyslogMessage
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>The bytes to send <paramref name="message"/> at <paramref name="level"/> to
    /// <paramref name="target"/>, or null when the target does not take that level.</summary>
    /// <param name="target">Where it goes.</param>
    /// <param name="level">Its syslog level.</param>
    /// <param name="message">The log line, without a line feed.</param>
    /// <param name="tag">The program name in the header (<c>log-tag</c>).</param>
    /// <param name="pid">The process id in the header.</param>
    /// <param name="now">The time of sending, in the node's time zone.</param>
    public static byte[]? Build(LogTarget target, int level, string message, string tag, int pid, DateTimeOffset now)
    {
        if (level > target.MaxLevel)
        {
            return null;
        }
        level = Math.Max(level, target.MinLevel);
        var line = new StringBuilder(Header(target.Format, level, target.Facility, tag, pid, now));
        line.Append(message);
        byte[] text = Encoding.UTF8.GetBytes(line.ToString());
        int length = Math.Min(text.Length, target.MaxLength);
        var bytes = new byte[length + 1];
        text.AsSpan(0, length).CopyTo(bytes);
        bytes[length] = (byte)'\n';
        return bytes;
    }

    private static string Header(LogHeaderFormat format, int level, int facility, string tag, int pid, DateTimeOffset now)
    {
        int priority = facility * 8 + level;
        string p = pid.ToString(CultureInfo.InvariantCulture);
        return format switch
        {
            // HAProxy sends no host name unless log-send-hostname is set.
            LogHeaderFormat.Rfc3164 or LogHeaderFormat.Local => $"<{priority}>{LegacyTime(now)} {tag}[{p}]: ",
            LogHeaderFormat.Rfc5424 => $"<{priority}>1 {IsoTime(now)} - {tag} {p} - - ",
            LogHeaderFormat.Priority => $"<{priority}>",
            LogHeaderFormat.LevelOnly => $"<{level}>",
            LogHeaderFormat.Timed => $"<{level}>{IsoTime(now)} ",
            LogHeaderFormat.Iso => $"{IsoTime(now)} ",
            _ => "",
        };
    }

    // 'Dec  1 18:57:41': the day padded with a space.
    private static string LegacyTime(DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{Months[now.Month - 1]} {now.Day,2} {now:HH:mm:ss}");

    // '2026-12-01T18:57:41.559123+00:00', HAProxy's timeofday_as_iso_us.
    private static string IsoTime(DateTimeOffset now) =>
        now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
}
