using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// The Lua of a frontend whose rules use none: such rules may run on any thread, since they
/// touch no Lua state. Reaching it means a rule's <see cref="HttpRule.LuaFunctions"/> missed a
/// <c>lua.*</c> name, which is a bug: it fails loudly.
/// </summary>
public sealed class NoLuaActions : ILuaActions
{
    /// <summary>The one instance.</summary>
    public static readonly NoLuaActions Instance = new();

    private NoLuaActions()
    {
    }

    /// <inheritdoc/>
    public IWaitingCall? RunAction(Lua.LuaFunctionKind kind, string name, HttpExchange exchange, IReadOnlyList<string> arguments) => throw Unexpected(name);

    /// <inheritdoc/>
    public IWaitingCall? RunService(string name, HttpExchange exchange) => throw Unexpected(name);

    /// <inheritdoc/>
    public object? Fetch(string name, HttpExchange exchange, IReadOnlyList<string> arguments) => throw Unexpected(name);

    /// <inheritdoc/>
    public object? Convert(string name, HttpExchange exchange, object input, IReadOnlyList<string> arguments) => throw Unexpected(name);

    private static InvalidOperationException Unexpected(string name) =>
        new($"lua.{name} was called by rules that were found to use no Lua: a bug in ActorProxy.");
}
