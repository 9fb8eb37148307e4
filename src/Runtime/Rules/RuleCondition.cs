using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// An <c>if</c>/<c>unless</c> condition (configuration.txt 7.2): ACLs, named or anonymous
/// (<c>{ … }</c>), joined by AND (side by side) and OR (<c>||</c> or <c>or</c>), each possibly
/// negated with <c>!</c>. A named ACL holds when any of its lines holds.
/// </summary>
public sealed class RuleCondition
{
    private readonly bool _unless;
    private readonly IReadOnlyList<IReadOnlyList<(bool Negated, IReadOnlyList<AclMatch> Acl)>> _alternatives;

    private RuleCondition(bool unless, IReadOnlyList<IReadOnlyList<(bool, IReadOnlyList<AclMatch>)>> alternatives)
    {
        _unless = unless;
        _alternatives = alternatives;
    }

    /// <summary>Every ACL expression of the condition.</summary>
    public IEnumerable<AclMatch> Acls => _alternatives.SelectMany(terms => terms.SelectMany(t => t.Acl));

    /// <summary>The <c>lua.*</c> fetches and converters the condition calls.</summary>
    public IEnumerable<(Lua.LuaFunctionKind Kind, string Name)> LuaFunctions() =>
        Acls.SelectMany(acl => acl.Sample.LuaNames()).Select(HttpRule.SampleKind);

    /// <summary>Parses <c>if …</c> or <c>unless …</c>; <paramref name="words"/> starts at that keyword.</summary>
    /// <exception cref="SampleSyntaxException">The condition does not parse or names an unknown ACL.</exception>
    public static RuleCondition Parse(IReadOnlyList<RuleToken> words, RuleContext context)
    {
        bool unless = words[0].Is("unless");
        var alternatives = new List<IReadOnlyList<(bool, IReadOnlyList<AclMatch>)>>();
        var terms = new List<(bool, IReadOnlyList<AclMatch>)>();
        bool negated = false;
        for (int i = 1; i < words.Count; i++)
        {
            var word = words[i];
            // "!NAME" and "!{" negate what follows, as in HAProxy.
            string text = word.Text;
            while (!word.Quoted && text.Length > 1 && text[0] == '!')
            {
                negated = !negated;
                text = text[1..];
            }
            if (word.Is("||") || word.Is("or"))
            {
                if (terms.Count == 0)
                {
                    throw new SampleSyntaxException($"'{word.Text}' without a condition before it");
                }
                alternatives.Add(terms);
                terms = [];
            }
            else if (word.Is("!"))
            {
                negated = !negated;
            }
            else if (!word.Quoted && text == "{")
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
                terms.Add((negated, [AclMatch.Parse([.. words.Skip(i + 1).Take(close - i - 1)], context)]));
                negated = false;
                i = close;
            }
            else
            {
                terms.Add((negated, context.Acls.Find(text)));
                negated = false;
            }
        }
        if (terms.Count == 0)
        {
            throw new SampleSyntaxException($"'{words[0].Text}' needs a condition such as {{ path_beg /api }} or an ACL name");
        }
        alternatives.Add(terms);
        return new RuleCondition(unless, alternatives);
    }

    /// <summary>True when the rule applies (a condition still waiting for data does not).</summary>
    public bool Holds(HttpExchange exchange, ILuaSamples? lua) => Test(exchange, lua) == AclResult.Pass;

    /// <summary>The condition's result as acl_exec_cond gives it, <c>unless</c> applied:
    /// <see cref="AclResult.Miss"/> while a TCP connection's data could still change it.</summary>
    public AclResult Test(HttpExchange exchange, ILuaSamples? lua)
    {
        var result = AclResult.Fail;
        foreach (var terms in _alternatives)
        {
            // AND over the terms: the first that fails, or is not known yet, settles it.
            var all = AclResult.Pass;
            foreach (var (negated, acl) in terms)
            {
                var term = AnyHolds(acl, exchange, lua);
                all &= negated ? Negate(term) : term;
                if (all != AclResult.Pass)
                {
                    break;
                }
            }
            result |= all;
            if (result == AclResult.Pass)
            {
                break;
            }
        }
        return result == AclResult.Miss ? AclResult.Miss : (result == AclResult.Pass) != _unless ? AclResult.Pass : AclResult.Fail;
    }

    // acl_neg: a result not known yet stays so.
    private static AclResult Negate(AclResult result) => result switch
    {
        AclResult.Pass => AclResult.Fail,
        AclResult.Fail => AclResult.Pass,
        _ => AclResult.Miss,
    };

    // A named ACL's lines are ORed: one that passes is enough.
    private static AclResult AnyHolds(IReadOnlyList<AclMatch> acl, HttpExchange exchange, ILuaSamples? lua)
    {
        var result = AclResult.Fail;
        foreach (var expression in acl)
        {
            result |= expression.Test(exchange, lua);
            if (result == AclResult.Pass)
            {
                break;
            }
        }
        return result;
    }
}
