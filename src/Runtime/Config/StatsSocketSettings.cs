using System.Globalization;
using System.Net;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// HAProxy's <c>stats socket</c> (<c>global.stats-socket = "PATH|ADDRESS:PORT [mode OCTAL]
/// [level user|operator|admin]"</c>): a socket speaking the admin commands one per line, for
/// <c>socat</c> and scripts.
/// </summary>
/// <param name="Path">The Unix socket's path, or null for a TCP one.</param>
/// <param name="EndPoint">The TCP address, or null for a Unix socket.</param>
/// <param name="Mode">The Unix socket's file mode (<c>mode</c>; 600 unless set: the owner only).</param>
/// <param name="Level">The level every command on it has (<c>level</c>; HAProxy's default, operator).</param>
public sealed record StatsSocketSettings(string? Path, IPEndPoint? EndPoint, UnixFileMode Mode, string Level)
{
    private static readonly string[] Levels = ["user", "operator", "admin"];

    /// <summary>Reads the setting; a relative path is from <paramref name="baseDirectory"/>.
    /// Throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static StatsSocketSettings Parse(string text, string baseDirectory)
    {
        string[] words = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw new FormatException("expected a path or address:port, then [mode OCTAL] [level user|operator|admin]");
        }
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        string level = "operator";
        for (int i = 1; i < words.Length; i++)
        {
            string option = words[i];
            string value = ++i < words.Length ? words[i] : throw new FormatException($"'{option}' expects an argument");
            switch (option)
            {
                case "mode":
                    mode = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) && value.All(c => c is >= '0' and <= '7')
                        ? (UnixFileMode)Convert.ToInt32(value, 8)
                        : throw new FormatException($"mode: expected an octal file mode such as 600, not '{value}'");
                    break;
                case "level":
                    level = Levels.Contains(value) ? value : throw new FormatException($"level: expected user, operator or admin, not '{value}'");
                    break;
                default:
                    throw new FormatException($"stats socket option '{option}' is not supported by ActorProxy; it carries out: mode OCTAL, level user|operator|admin");
            }
        }
        string target = words[0];
        if (target.StartsWith('/') || target.StartsWith('.') || !target.Contains(':'))
        {
            return new StatsSocketSettings(System.IO.Path.GetFullPath(target, baseDirectory), null, mode, level);
        }
        return IPEndPoint.TryParse(target, out var endPoint) && endPoint.Port != 0
            ? new StatsSocketSettings(null, endPoint, mode, level)
            : throw new FormatException($"expected a path or address:port such as 127.0.0.1:9999, not '{target}'");
    }
}
