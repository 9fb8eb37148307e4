namespace ActorProxy.Runtime.Samples;

/// <summary>A sample expression, log-format string, condition or rule does not parse; the
/// message says what was expected and where.</summary>
public sealed class SampleSyntaxException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SampleSyntaxException(string message) : base(message)
    {
    }
}
