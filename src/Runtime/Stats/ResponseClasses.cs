namespace ActorProxy.Runtime.Stats;

/// <summary>HTTP status classes as HAProxy counts responses: 1xx to 5xx, and "other".</summary>
public static class ResponseClasses
{
    /// <summary>How many classes there are.</summary>
    public const int Count = 6;

    /// <summary>The labels of the classes, by index (HAProxy's Prometheus <c>code</c> label).</summary>
    public static IReadOnlyList<string> Labels { get; } = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"];

    /// <summary>The class of a label ("2xx"…), as <see cref="Labels"/> orders them.</summary>
    public static int OfLabel(string label)
    {
        for (int i = 0; i < Count; i++)
        {
            if (Labels[i] == label)
            {
                return i;
            }
        }
        throw new ArgumentException($"'{label}' is not a response class", nameof(label));
    }

    /// <summary>The class of a status: 0 for 1xx … 4 for 5xx, 5 for anything else.</summary>
    public static int Of(int status) => status is >= 100 and < 600 ? status / 100 - 1 : 5;
}
