namespace ActorProxy.Runtime.Config;

/// <summary>One thing wrong with a configuration: where, which key, and why.</summary>
/// <param name="File">The configuration file.</param>
/// <param name="Key">The full HOCON path of the key at fault, such as <c>actorproxy.global.threads</c>;
/// empty when the file itself is at fault.</param>
/// <param name="Reason">What is wrong and, where it helps, what would be right.</param>
public sealed record ConfigError(string File, string Key, string Reason)
{
    /// <summary><c>file: key: reason</c>, the form printed on stderr.</summary>
    public override string ToString() => Key.Length == 0 ? $"{File}: {Reason}" : $"{File}: {Key}: {Reason}";
}
