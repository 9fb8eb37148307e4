namespace ActorProxy.Runtime.Rules;

/// <summary>
/// Thrown by a sample that cannot be computed at once (a shared-state fetch or converter whose
/// answer travels through messages): the rule run stops, waits for <see cref="Wait"/>, and runs
/// the rule again with <see cref="SampleReplay"/>. Never thrown through Lua: samples are
/// evaluated by C# between Lua calls.
/// </summary>
public sealed class SampleMustWaitException : Exception
{
    /// <summary>Creates the exception for <paramref name="wait"/>.</summary>
    public SampleMustWaitException(IWaitingCall wait) : base("a sample waits for its answer")
    {
        Wait = wait;
    }

    /// <summary>What the rule waits for; resuming it records the sample in the replay.</summary>
    public IWaitingCall Wait { get; }
}
