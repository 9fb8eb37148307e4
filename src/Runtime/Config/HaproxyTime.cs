using System.Globalization;

namespace ActorProxy.Runtime.Config;

/// <summary>HAProxy's time arguments (parse_time_err): a number and an optional unit (us, ms, s,
/// m, h, d), milliseconds by default, at most 2147483647 ms, a non-zero value at least 1 ms.</summary>
public static class HaproxyTime
{
    /// <summary>The milliseconds <paramref name="text"/> says, rounded up.</summary>
    /// <exception cref="FormatException">It is no time; the message is HAProxy's, naming <paramref name="keyword"/> (and <paramref name="prefix"/> before it).</exception>
    public static long Milliseconds(string text, string keyword, string prefix)
    {
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }
        if (digits == 0)
        {
            throw new FormatException($"{prefix}unexpected character '{(text.Length > 0 ? text[0] : ' ')}' in argument of '{keyword}'");
        }
        long value = long.Parse(text.AsSpan(0, digits), CultureInfo.InvariantCulture);
        double milliseconds = text[digits..] switch
        {
            "" or "ms" => value,
            "us" => value / 1000.0,
            "s" => value * 1000.0,
            "m" => value * 60_000.0,
            "h" => value * 3_600_000.0,
            "d" => value * 86_400_000.0,
            var unit => throw new FormatException($"{prefix}unexpected character '{unit[0]}' in argument of '{keyword}'"),
        };
        if (milliseconds > int.MaxValue)
        {
            throw new FormatException($"{prefix}timer overflow in argument <{text}> to <{keyword}>, maximum value is 2147483647 ms (~24.8 days)");
        }
        if (value != 0 && milliseconds < 1)
        {
            throw new FormatException($"{prefix}timer underflow in argument <{text}> to <{keyword}>, minimum non-null value is 1 ms");
        }
        return (long)Math.Ceiling(milliseconds);
    }
}
