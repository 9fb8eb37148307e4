using System.Globalization;
using System.Text.RegularExpressions;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>How an ACL compares its sample to its values (HAProxy's <c>-m</c>).</summary>
public enum AclMatchMethod
{
    /// <summary>No value: true when the sample is found and not false, 0 or empty.</summary>
    Bool,

    /// <summary>Exact string.</summary>
    Str,

    /// <summary>Prefix.</summary>
    Beg,

    /// <summary>Suffix.</summary>
    End,

    /// <summary>Substring.</summary>
    Sub,

    /// <summary>Regular expression.</summary>
    Reg,

    /// <summary>Integer equality.</summary>
    Number,

    /// <summary>True when the sample is found at all.</summary>
    Found,
}

/// <summary>An anonymous ACL, <c>{ fetch[,conv] [-m method] [-i] value… }</c>: true when the
/// sample matches any of the values.</summary>
public sealed class AclMatch
{
    private readonly Regex[] _patterns;

    private AclMatch(SampleExpression sample, AclMatchMethod method, bool ignoreCase, IReadOnlyList<string> values)
    {
        Sample = sample;
        Method = method;
        IgnoreCase = ignoreCase;
        Values = values;
        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        _patterns = method == AclMatchMethod.Reg ? [.. values.Select(v => new Regex(v, options, TimeSpan.FromSeconds(1)))] : [];
    }

    /// <summary>The sample tested.</summary>
    public SampleExpression Sample { get; }

    /// <summary>How it is compared.</summary>
    public AclMatchMethod Method { get; }

    /// <summary>True for <c>-i</c>.</summary>
    public bool IgnoreCase { get; }

    /// <summary>The values compared against.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Parses the words between <c>{</c> and <c>}</c>.</summary>
    /// <exception cref="SampleSyntaxException">Unknown fetch, flag or method, or a bad regex.</exception>
    public static AclMatch Parse(IReadOnlyList<RuleToken> words)
    {
        if (words.Count == 0)
        {
            throw new SampleSyntaxException("empty condition '{ }'");
        }
        string name = words[0].Text;
        AclMatchMethod? method = null;
        // Derived keywords: path_beg is "path -m beg", hdr_sub(x) is "hdr(x) -m sub".
        foreach (var (suffix, derived) in Suffixes)
        {
            int at = name.IndexOf(suffix, StringComparison.Ordinal);
            if (at > 0 && (at + suffix.Length == name.Length || name[at + suffix.Length] == '('))
            {
                name = name.Remove(at, suffix.Length);
                method = derived;
                break;
            }
        }
        var sample = SampleExpression.Parse(name);
        bool ignoreCase = false;
        var values = new List<string>();
        for (int i = 1; i < words.Count; i++)
        {
            var word = words[i];
            if (word.Is("-i"))
            {
                ignoreCase = true;
            }
            else if (word.Is("-m"))
            {
                if (++i == words.Count)
                {
                    throw new SampleSyntaxException("'-m' needs a match method");
                }
                method = ParseMethod(words[i].Text);
            }
            else if (word.Is("--"))
            {
                values.AddRange(words.Skip(i + 1).Select(w => w.Text));
                break;
            }
            else if (!word.Quoted && word.Text.StartsWith('-') && values.Count == 0)
            {
                throw new SampleSyntaxException($"unsupported ACL flag '{word.Text}'");
            }
            else
            {
                values.Add(word.Text);
            }
        }
        method ??= values.Count == 0 ? AclMatchMethod.Bool
            : sample.Converters.Count == 0 && sample.Fetch.Name is "status" or "src_port" ? AclMatchMethod.Number
            : AclMatchMethod.Str;
        try
        {
            return new AclMatch(sample, method.Value, ignoreCase, values);
        }
        catch (ArgumentException e)
        {
            throw new SampleSyntaxException($"bad regular expression in condition: {e.Message}");
        }
    }

    /// <summary>Evaluates the ACL.</summary>
    public bool Matches(HttpExchange exchange, ILuaSamples? lua)
    {
        object? sample = Sample.Evaluate(exchange, lua);
        if (sample is null)
        {
            return false;
        }
        switch (Method)
        {
            case AclMatchMethod.Found:
                return true;
            case AclMatchMethod.Bool:
                return sample switch
                {
                    bool b => b,
                    long n => n != 0,
                    string s => s.Length > 0,
                    _ => true,
                };
            case AclMatchMethod.Number:
                return long.TryParse(SampleFunctions.AsString(sample), NumberStyles.Integer, CultureInfo.InvariantCulture, out long number) &&
                    Values.Any(v => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long expected) && expected == number);
            case AclMatchMethod.Reg:
                string subject = SampleFunctions.AsString(sample);
                return _patterns.Any(p => p.IsMatch(subject));
        }
        string text = SampleFunctions.AsString(sample);
        var comparison = IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return Values.Any(value => Method switch
        {
            AclMatchMethod.Str => string.Equals(text, value, comparison),
            AclMatchMethod.Beg => text.StartsWith(value, comparison),
            AclMatchMethod.End => text.EndsWith(value, comparison),
            _ => text.Contains(value, comparison),
        });
    }

    private static readonly (string Suffix, AclMatchMethod Method)[] Suffixes =
        [("_beg", AclMatchMethod.Beg), ("_end", AclMatchMethod.End), ("_sub", AclMatchMethod.Sub), ("_reg", AclMatchMethod.Reg)];

    private static AclMatchMethod ParseMethod(string method) => method switch
    {
        "str" => AclMatchMethod.Str,
        "beg" => AclMatchMethod.Beg,
        "end" => AclMatchMethod.End,
        "sub" => AclMatchMethod.Sub,
        "reg" => AclMatchMethod.Reg,
        "int" => AclMatchMethod.Number,
        "found" => AclMatchMethod.Found,
        "bool" => AclMatchMethod.Bool,
        _ => throw new SampleSyntaxException($"unknown match method '-m {method}'; use str, beg, end, sub, reg, int, found or bool"),
    };
}
