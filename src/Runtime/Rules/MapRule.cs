using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary><c>set-map(FILE) KEY VALUE</c> and <c>del-map(FILE) KEY</c> (HAProxy's
/// <c>http_action_set_map</c>): the key and value are formats; set-map sets the value of every
/// entry of the key or adds one, del-map removes them. The map is looked up by its file's name,
/// as the configuration wrote it, when the rule runs: with no such map, as with a value one of
/// the map's converters cannot read, the rule changes nothing, as HAProxy's.</summary>
public sealed class MapRule(MapReferences maps, string file, LogFormat key, LogFormat? value) : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        if (maps.Find(file) is { } map)
        {
            string entry = key.Render(exchange, lua);
            if (value is null)
            {
                map.Delete(entry);
            }
            else
            {
                map.SetOrAdd(entry, value.Render(exchange, lua));
            }
        }
        return RuleOutcome.Continue;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SampleExpression> Samples() => value is null ? SamplesOf(key) : SamplesOf(key).Concat(SamplesOf(value));
}
