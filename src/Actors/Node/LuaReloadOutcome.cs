namespace ActorProxy.Actors.Node;

/// <summary>What a Lua reload did (<see cref="ProxyNode.ReloadLuaAsync"/>).</summary>
/// <param name="Reloaded">True when the new generation serves new work; false when the old one goes on.</param>
/// <param name="Generation">The generation serving now.</param>
/// <param name="Previous">On success, the generation that drains; on failure, the same as <paramref name="Generation"/>.</param>
/// <param name="SharedStateReloaded">True when the shared state was loaded again too (a node alone in its cluster).</param>
/// <param name="InFlight">Work the previous generation held when new work switched.</param>
/// <param name="Errors">Why it failed: Lua errors, check errors, an actor that did not answer.</param>
public sealed record LuaReloadOutcome(bool Reloaded, int Generation, int Previous, bool SharedStateReloaded, int InFlight, IReadOnlyList<string> Errors)
{
    /// <summary>A reload that failed; generation <paramref name="serving"/> goes on.</summary>
    public static LuaReloadOutcome Failed(int serving, IReadOnlyList<string> errors) => new(false, serving, serving, false, 0, errors);

    /// <summary>The answer an admin tool shows: HAProxy's CLI style, one fact per line.</summary>
    public string Describe() => Reloaded
        ? $"Lua reloaded: generation {Generation} serves new work ({(SharedStateReloaded ? "shared and thread states" : "thread states; the shared state is kept, it serves the whole cluster")}); " +
          $"generation {Previous} finishes its {InFlight} transaction(s) and session(s) in flight, then closes.\n"
        : $"Lua reload failed; generation {Generation} goes on serving:\n" + string.Concat(Errors.Select(e => $"  {e}\n"));
}
