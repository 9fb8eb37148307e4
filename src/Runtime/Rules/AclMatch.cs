using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// One ACL expression, <c>fetch[,conv…] [-i] [-n] [-m METHOD] [-M] [-f FILE] [--] [pattern…]</c>,
/// as HAProxy's <c>parse_acl_expr</c> reads it: true when any value of the sample matches any
/// pattern. Its files and its own patterns are pattern references of the configuration, which
/// the runtime's ACL commands and the <c>add-acl</c>/<c>del-acl</c> rules change. An ACL keyword (<c>path_beg</c>) brings its method unless converters follow it;
/// otherwise the method comes from the sample's type, and a type with none (bytes, variables)
/// needs <c>-m</c>.
/// </summary>
public sealed class AclMatch
{
    private readonly AclReferencePatterns[] _patterns;

    private AclMatch(SampleExpression sample, AclReferencePatterns[] patterns)
    {
        Sample = sample;
        _patterns = patterns;
    }

    /// <summary>The sample tested.</summary>
    public SampleExpression Sample { get; }

    /// <summary>Parses the words of an ACL expression (after <c>acl NAME</c>, or between <c>{</c> and <c>}</c>).</summary>
    /// <exception cref="SampleSyntaxException">Unknown fetch, flag or method, a bad pattern, a missing file.</exception>
    public static AclMatch Parse(IReadOnlyList<RuleToken> words, RuleContext context)
    {
        if (words.Count == 0)
        {
            throw new SampleSyntaxException("empty ACL expression");
        }
        string first = words[0].Text;
        int nameEnd = first.IndexOfAny(['(', ',']);
        string keyword = nameEnd < 0 ? first : first[..nameEnd];
        SampleExpression sample;
        AclMatchMethod? method = null;
        if (AclKeywords.TryFind(keyword, out var meaning))
        {
            sample = SampleExpression.Parse(meaning.Fetch + first[keyword.Length..], context.Files);
            if (sample.Converters.Count == 0)
            {
                method = meaning.Method;
            }
        }
        else
        {
            sample = SampleExpression.Parse(first, context.Files);
        }
        context.Check(sample);
        method ??= DefaultMethod(sample.Output);

        bool ignoreCase = false, noResolve = false, loaded = false, asMap = false, methodGiven = false;
        int? uniqueId = null;
        var files = new List<(string Name, bool AsMap)>();
        var patterns = new List<string>();
        int i = 1;
        for (; i < words.Count && words[i].Text.StartsWith('-'); i++)
        {
            switch (words[i].Text)
            {
                case "-i":
                    ignoreCase = true;
                    break;
                case "-n":
                    noResolve = true;
                    break;
                case "-m":
                    if (loaded)
                    {
                        throw new SampleSyntaxException("'-m' must only be specified before patterns and files");
                    }
                    method = ParseMethod(Next(words, ref i, "-m", "a match method"));
                    methodGiven = true;
                    if (method != AclMatchMethod.Found && !SampleValue.CanCast(sample.Output, AclPatterns.ExpectedType(method.Value)))
                    {
                        throw new SampleSyntaxException($"matching method '{words[i].Text}' cannot be used with fetch keyword '{keyword}'");
                    }
                    break;
                case "-f":
                    if (method is null)
                    {
                        throw new SampleSyntaxException($"matching method must be specified first (using '-m') when using a sample fetch of this type ('{keyword}')");
                    }
                    files.Add((Next(words, ref i, "-f", "a file"), asMap));
                    loaded = true;
                    break;
                case "-M":
                    asMap = true;
                    break;
                case "-u":
                    // strtol: a number, and nothing after it.
                    string id = Next(words, ref i, "-u", "a number");
                    uniqueId = int.TryParse(id, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowLeadingWhite,
                        System.Globalization.CultureInfo.InvariantCulture, out int number)
                        ? number == -1 ? null : number   // -1 is HAProxy's "none chosen"
                        : throw new SampleSyntaxException("the argument of -u must be an integer");
                    break;
                case "--":
                    i++;
                    goto Patterns;
                default:
                    throw new SampleSyntaxException($"'{words[i].Text}' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'");
            }
        }
    Patterns:
        if (method is null)
        {
            throw new SampleSyntaxException($"matching method must be specified first (using '-m') when using a sample fetch of this type ('{keyword}')");
        }
        // An ACL keyword may read its patterns its own way (req.ssl_ver: dotted versions), unless
        // converters or -m made it an ordinary expression.
        var read = sample.Converters.Count == 0 && !methodGiven ? sample.Fetch.BuiltInFetch?.AclPattern : null;
        for (; i < words.Count; i++)
        {
            patterns.Add(read is null ? words[i].Text : read(words[i].Text));
        }
        // As HAProxy: the files' references first, then the expression's own, all in the
        // configuration's numbering.
        var references = files.Select(f => context.Maps.GetOrReadPatterns(Path.GetFullPath(f.Name, context.BaseDirectory), f.Name, f.AsMap)).ToList();
        references.Add(context.Maps.AddOwnPatterns($"acl '{keyword}'", patterns, uniqueId));
        return new AclMatch(sample, [.. references.Select(r => AclReferencePatterns.Over(r, method.Value, ignoreCase, noResolve))]);
    }

    /// <summary>Evaluates the expression: true when a value of the sample matches.</summary>
    public bool Matches(HttpExchange exchange, ILuaSamples? lua) => Test(exchange, lua) == AclResult.Pass;

    /// <summary>Evaluates the expression as acl_exec_cond does: <see cref="AclResult.Pass"/> when a
    /// value of the sample matches, else <see cref="AclResult.Miss"/> when a TCP connection's data
    /// could still change the answer (its inspection is not over), else <see cref="AclResult.Fail"/>.</summary>
    public AclResult Test(HttpExchange exchange, ILuaSamples? lua)
    {
        var buffer = exchange.RequestBuffer;
        if (buffer is not null)
        {
            buffer.MayChange = false;
        }
        foreach (object value in Sample.EvaluateEach(exchange, lua))
        {
            foreach (var patterns in _patterns)
            {
                if (patterns.Matches(value))
                {
                    return AclResult.Pass;
                }
            }
        }
        return buffer is { MayChange: true, Final: false } ? AclResult.Miss : AclResult.Fail;
    }

    // The method a sample's type implies (parse_acl_expr's switch on the expression's type).
    private static AclMatchMethod? DefaultMethod(SampleType type) => type switch
    {
        SampleType.Bool => AclMatchMethod.Bool,
        SampleType.SInt => AclMatchMethod.Number,
        SampleType.Ip => AclMatchMethod.Ip,
        SampleType.Str => AclMatchMethod.Str,
        _ => null,
    };

    private static AclMatchMethod ParseMethod(string method) => method switch
    {
        "found" => AclMatchMethod.Found,
        "bool" => AclMatchMethod.Bool,
        "int" => AclMatchMethod.Number,
        "ip" => AclMatchMethod.Ip,
        "bin" => AclMatchMethod.Bin,
        "len" => AclMatchMethod.Len,
        "str" => AclMatchMethod.Str,
        "sub" => AclMatchMethod.Sub,
        "reg" => AclMatchMethod.Reg,
        "beg" => AclMatchMethod.Beg,
        "end" => AclMatchMethod.End,
        "dir" => AclMatchMethod.Dir,
        "dom" => AclMatchMethod.Dom,
        _ => throw new SampleSyntaxException($"unknown matching method '{method}'; expected found, bool, int, ip, bin, len, str, sub, reg, beg, end, dir or dom"),
    };

    private static string Next(IReadOnlyList<RuleToken> words, ref int i, string flag, string what) =>
        ++i < words.Count ? words[i].Text : throw new SampleSyntaxException($"'{flag}' needs {what}");
}
