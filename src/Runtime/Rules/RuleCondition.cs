using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// An <c>if</c>/<c>unless</c> condition: anonymous ACLs joined by AND (side by side) and OR
/// (<c>||</c> or <c>or</c>), each possibly negated with <c>!</c>.
/// </summary>
public sealed class RuleCondition
{
    private readonly bool _unless;
    private readonly IReadOnlyList<IReadOnlyList<(bool Negated, AclMatch Acl)>> _alternatives;

    private RuleCondition(bool unless, IReadOnlyList<IReadOnlyList<(bool, AclMatch)>> alternatives)
    {
        _unless = unless;
        _alternatives = alternatives;
    }

    /// <summary>Every ACL of the condition.</summary>
    public IEnumerable<AclMatch> Acls => _alternatives.SelectMany(terms => terms.Select(t => t.Acl));

    /// <summary>The <c>lua.*</c> fetches and converters the condition calls.</summary>
    public IEnumerable<(Lua.LuaFunctionKind Kind, string Name)> LuaFunctions() =>
        Acls.SelectMany(acl => acl.Sample.LuaNames()).Select(HttpRule.SampleKind);

    /// <summary>Parses <c>if …</c> or <c>unless …</c>; <paramref name="words"/> starts at that keyword.</summary>
    /// <exception cref="SampleSyntaxException">The condition does not parse.</exception>
    public static RuleCondition Parse(IReadOnlyList<RuleToken> words)
    {
        bool unless = words[0].Is("unless");
        var alternatives = new List<IReadOnlyList<(bool, AclMatch)>>();
        var terms = new List<(bool, AclMatch)>();
        bool negated = false;
        for (int i = 1; i < words.Count; i++)
        {
            var word = words[i];
            if (word.Is("||") || word.Is("or"))
            {
                if (terms.Count == 0)
                {
                    throw new SampleSyntaxException("'||' without a condition before it");
                }
                alternatives.Add(terms);
                terms = [];
            }
            else if (word.Is("!"))
            {
                negated = !negated;
            }
            else if (word.Is("{"))
            {
                int close = i + 1;
                while (close < words.Count && !words[close].Is("}"))
                {
                    close++;
                }
                if (close == words.Count)
                {
                    throw new SampleSyntaxException("'{' without its '}' in the condition");
                }
                terms.Add((negated, AclMatch.Parse([.. words.Skip(i + 1).Take(close - i - 1)])));
                negated = false;
                i = close;
            }
            else
            {
                throw new SampleSyntaxException($"'{word.Text}': named ACLs are not supported; write the test inline as {{ fetch value }}");
            }
        }
        if (terms.Count == 0)
        {
            throw new SampleSyntaxException($"'{words[0].Text}' needs a condition such as {{ path_beg /api }}");
        }
        alternatives.Add(terms);
        return new RuleCondition(unless, alternatives);
    }

    /// <summary>True when the rule applies.</summary>
    public bool Holds(HttpExchange exchange, ILuaSamples? lua)
    {
        bool any = _alternatives.Any(terms => terms.All(term => term.Acl.Matches(exchange, lua) != term.Negated));
        return any != _unless;
    }
}
