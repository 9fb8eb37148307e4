namespace ActorProxy.Runtime.Health;

/// <summary>A finished health check.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Code">The HTTP status answered, when there was an answer.</param>
/// <param name="Duration">How long it took.</param>
public sealed record CheckOutcome(CheckStatus Status, int? Code, TimeSpan Duration)
{
    /// <summary>True when the server passed it (HAProxy's default <c>http-check expect</c>:
    /// a 2xx or 3xx status).</summary>
    public bool Passed => Status == CheckStatus.Layer7Ok;

    /// <summary>The outcome of an HTTP answer of <paramref name="code"/>.</summary>
    public static CheckOutcome OfAnswer(int code, TimeSpan duration) =>
        new(code is >= 200 and < 400 ? CheckStatus.Layer7Ok : CheckStatus.Layer7WrongStatus, code, duration);
}
