namespace ActorProxy.Runtime.Config;

/// <summary>The configuration cannot be used; <see cref="Errors"/> lists every reason found.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception from every error found.</summary>
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    /// <summary>Every error found, in file order where known.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }
}
