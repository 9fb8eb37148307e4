using System.Globalization;

namespace ActorProxy.Runtime.Config;

/// <summary>A frontend's stats page (HAProxy's <c>stats enable</c>, <c>stats uri</c>, <c>stats refresh</c>).</summary>
/// <param name="Uri">The prefix of the request URI the page answers (HAProxy's default <c>/haproxy?stats</c>).</param>
/// <param name="Refresh">How often the page asks the browser to reload it, or null.</param>
public sealed record StatsPageSettings(string Uri, TimeSpan? Refresh)
{
    /// <summary>HAProxy's default URI.</summary>
    public const string DefaultUri = "/haproxy?stats";

    // HAProxy's other stats lines, each with why ActorProxy does not take it.
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["auth"] = "the page has no authentication in ActorProxy; serve it on a frontend bound to a trusted address",
        ["realm"] = "the page has no authentication in ActorProxy",
        ["admin"] = "the page changes nothing in ActorProxy; use the stats socket's set server",
        ["http-request"] = "the page has no rules of its own in ActorProxy; use the frontend's http-request rules",
        ["scope"] = "the page shows every proxy in ActorProxy",
        ["hide-version"] = "the page shows no version in ActorProxy",
        ["show-node"] = "the page shows the node always in ActorProxy",
        ["show-desc"] = "the page has no description in ActorProxy",
        ["show-legends"] = "the page has no legends in ActorProxy",
        ["show-modules"] = "the page has no stats modules in ActorProxy",
        ["bind-process"] = "ActorProxy runs one process per node",
        ["maxconn"] = "the stats page is served by the frontend, under the frontend's maxconn",
        ["timeout"] = "the stats page is served by the frontend, under the frontend's timeouts",
        ["socket"] = "the stats socket is global.stats-socket in ActorProxy",
    };

    /// <summary>Reads a frontend's stats lines, each what follows "stats" in HAProxy; null when
    /// there is none. Throws <see cref="FormatException"/> naming the line it cannot take.</summary>
    public static StatsPageSettings? Parse(IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return null;
        }
        string uri = DefaultUri;
        TimeSpan? refresh = null;
        foreach (string line in lines)
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words)
            {
                case ["enable"]:
                    break;
                case ["uri", var prefix] when prefix.StartsWith('/'):
                    uri = prefix;
                    break;
                case ["refresh", var delay]:
                    refresh = Delay(delay);
                    break;
                case [var keyword, ..] when Refused.TryGetValue(keyword, out string? why):
                    throw new FormatException($"'stats {line}' is not supported: {why}");
                default:
                    throw new FormatException($"'stats {line}': expected 'enable', 'uri /PATH' or 'refresh DELAY'");
            }
        }
        return new StatsPageSettings(uri, refresh);
    }

    // HAProxy's time format for stats refresh: a number in seconds unless a unit follows.
    private static TimeSpan Delay(string text)
    {
        int unit = text.IndexOfAny(['u', 'm', 's', 'h', 'd']);
        string number = unit < 0 ? text : text[..unit];
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value == 0)
        {
            throw new FormatException($"'stats refresh {text}': expected a delay such as 10s");
        }
        return (unit < 0 ? "s" : text[unit..]) switch
        {
            "us" => TimeSpan.FromMicroseconds(value),
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            "h" => TimeSpan.FromHours(value),
            "d" => TimeSpan.FromDays(value),
            _ => throw new FormatException($"'stats refresh {text}': unknown time unit"),
        };
    }
}
