using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Samples;

/// <summary>Runs the Lua sample fetches and converters (<c>lua.NAME</c>) for the evaluator.
/// Implemented by whoever owns the Lua state of the transaction.</summary>
public interface ILuaSamples
{
    /// <summary>Runs fetch <c>lua.</c><paramref name="name"/>; null when it fails or returns nil.</summary>
    object? Fetch(string name, HttpExchange exchange, IReadOnlyList<string> arguments);

    /// <summary>Runs converter <c>lua.</c><paramref name="name"/> on <paramref name="input"/>; null when it fails.</summary>
    object? Convert(string name, HttpExchange exchange, object input, IReadOnlyList<string> arguments);
}
