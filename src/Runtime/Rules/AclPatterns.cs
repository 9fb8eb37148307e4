using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// The patterns of one ACL expression, parsed for its match method when the configuration is
/// read (HAProxy's <c>pat_parse_*</c>), and the test of a sample against them
/// (<c>pat_match_*</c>): true when any pattern matches.
/// </summary>
public sealed class AclPatterns
{
    private readonly AclMatchMethod _method;
    private readonly bool _ignoreCase;
    private readonly List<string> _strings = [];
    private readonly List<Regex> _regexes = [];
    private readonly List<(long? Min, long? Max)> _ranges = [];
    private readonly List<IpNetwork> _networks = [];
    private readonly List<byte[]> _blocks = [];

    /// <summary>Parses <paramref name="patterns"/> for <paramref name="method"/>.</summary>
    /// <exception cref="SampleSyntaxException">A pattern is not valid for the method.</exception>
    public AclPatterns(AclMatchMethod method, bool ignoreCase, bool noResolve, IEnumerable<string> patterns)
    {
        _method = method;
        _ignoreCase = ignoreCase;
        // The integer operators apply to the values after them ("ge 10 20").
        string op = "eq";
        foreach (string pattern in patterns)
        {
            switch (method)
            {
                case AclMatchMethod.Found or AclMatchMethod.Bool:
                    break;
                case AclMatchMethod.Number or AclMatchMethod.Len:
                    if (pattern is "eq" or "ge" or "gt" or "le" or "lt")
                    {
                        op = pattern;
                        continue;
                    }
                    _ranges.Add(ParseRange(pattern, op));
                    break;
                case AclMatchMethod.Ip:
                    _networks.Add(IpNetwork.Parse(pattern, noResolve, out string? reason) ?? throw new SampleSyntaxException(reason!));
                    break;
                case AclMatchMethod.Bin:
                    _blocks.Add(ParseHex(pattern));
                    break;
                case AclMatchMethod.Reg:
                    try
                    {
                        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
                        _regexes.Add(new Regex(pattern, options, TimeSpan.FromSeconds(1)));
                    }
                    catch (ArgumentException e)
                    {
                        throw new SampleSyntaxException($"'{pattern}' is not a valid regular expression: {e.Message}");
                    }
                    break;
                default:
                    _strings.Add(pattern);
                    break;
            }
        }
    }

    /// <summary>The type a sample is cast to before it is compared (<c>pat_match_types</c>).</summary>
    public static SampleType ExpectedType(AclMatchMethod method) => method switch
    {
        AclMatchMethod.Found => SampleType.Any,
        AclMatchMethod.Bool or AclMatchMethod.Number => SampleType.SInt,
        AclMatchMethod.Ip => SampleType.Ip,
        AclMatchMethod.Bin => SampleType.Bin,
        _ => SampleType.Str,
    };

    /// <summary>True when <paramref name="sample"/> matches a pattern.</summary>
    public bool Matches(object sample) => _method is AclMatchMethod.Found or AclMatchMethod.Bool
        ? _method == AclMatchMethod.Found || SampleValue.Cast(sample, SampleType.SInt) is long flag && flag != 0
        : IndexOfMatch(sample) >= 0;

    /// <summary>The number of the pattern <paramref name="sample"/> matches, in the order given,
    /// or -1: the first that matches, and for IP networks and case-sensitive prefixes the longest
    /// (a map's lookup, HAProxy's <c>pattern_exec_match</c> with its lists and its longest-prefix trees). Not for
    /// <see cref="AclMatchMethod.Found"/> and <see cref="AclMatchMethod.Bool"/>, which have no patterns.</summary>
    public int IndexOfMatch(object sample)
    {
        if (SampleValue.Cast(sample, ExpectedType(_method)) is not { } value)
        {
            return -1;
        }
        switch (_method)
        {
            case AclMatchMethod.Number:
                return IndexInRange((long)value);
            case AclMatchMethod.Len:
                return IndexInRange(Encoding.UTF8.GetByteCount((string)value));
            case AclMatchMethod.Ip:
                int best = -1;
                for (int i = 0; i < _networks.Count; i++)
                {
                    if (_networks[i].Contains((IPAddress)value) && (best < 0 || _networks[i].PrefixLength > _networks[best].PrefixLength))
                    {
                        best = i;
                    }
                }
                return best;
            case AclMatchMethod.Bin:
                return _blocks.FindIndex(block => block.AsSpan().SequenceEqual((byte[])value));
            case AclMatchMethod.Reg:
                return _regexes.FindIndex(regex => regex.IsMatch((string)value));
        }
        string text = (string)value;
        if (_method == AclMatchMethod.Beg && !_ignoreCase)
        {
            return LongestPrefix(text);
        }
        var comparison = _ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return _strings.FindIndex(pattern => _method switch
        {
            AclMatchMethod.Str => string.Equals(text, pattern, comparison),
            AclMatchMethod.Beg => text.StartsWith(pattern, comparison),
            AclMatchMethod.End => text.EndsWith(pattern, comparison),
            AclMatchMethod.Sub => text.Contains(pattern, comparison),
            AclMatchMethod.Dir => MatchWord(text, pattern, comparison, "/?"),
            _ => MatchWord(text, pattern, comparison, "/?.:"),
        });
    }

    // pat_idx_tree_pfx keeps case-sensitive prefixes in a tree that pat_match_beg searches for
    // the longest one (ebmb_lookup_longest); of equal ones, the first inserted.
    private int LongestPrefix(string text)
    {
        int best = -1;
        for (int i = 0; i < _strings.Count; i++)
        {
            if (text.StartsWith(_strings[i], StringComparison.Ordinal) && (best < 0 || _strings[i].Length > _strings[best].Length))
            {
                best = i;
            }
        }
        return best;
    }

    private int IndexInRange(long value) => _ranges.FindIndex(range => (range.Min is null || range.Min <= value) && (range.Max is null || value <= range.Max));

    // pat_parse_int after acl.c's operator rewrite: "lt x" is ":x-1", "gt x" is "x+1:", "le x" is
    // ":x", "ge x" is "x:"; a value with ':' or '-' is a range, either bound may be left out.
    private static (long? Min, long? Max) ParseRange(string pattern, string op)
    {
        int separator = pattern.IndexOfAny([':', '-']);
        if (separator < 0)
        {
            long value = Integer(pattern) ?? throw new SampleSyntaxException(op == "eq"
                ? $"'{pattern}' is not a number"
                : $"'{pattern}' is neither a number nor a supported operator");
            return op switch
            {
                "lt" => (null, value - 1),
                "le" => (null, value),
                "gt" => (value + 1, null),
                "ge" => (value, null),
                _ => (value, value),
            };
        }
        string low = pattern[..separator], high = pattern[(separator + 1)..];
        if (low.Length == 0 && high.Length == 0)
        {
            throw new SampleSyntaxException($"'{pattern}' is not a valid number range");
        }
        long? min = low.Length == 0 ? null : Integer(low) ?? throw new SampleSyntaxException($"'{pattern}' is not a valid number range");
        long? max = high.Length == 0 ? null : Integer(high) ?? throw new SampleSyntaxException($"'{pattern}' is not a valid number range");
        if (min > max)
        {
            throw new SampleSyntaxException($"'{pattern}' is not a valid number range");
        }
        return (min, max);
    }

    // strl2llrc: digits only (a sign would have been taken as a range separator).
    private static long? Integer(string text) =>
        text.Length > 0 && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;

    private static byte[] ParseHex(string pattern)
    {
        if (pattern.Length % 2 != 0 || !pattern.All(char.IsAsciiHexDigit))
        {
            throw new SampleSyntaxException($"'{pattern}' is not a hexadecimal block (an even number of hex digits)");
        }
        return Convert.FromHexString(pattern);
    }

    // match_word: the pattern, without delimiters at its ends, found between delimiters (or the
    // ends of the text).
    private static bool MatchWord(string text, string pattern, StringComparison comparison, string delimiters)
    {
        var word = pattern.AsSpan().Trim(delimiters);
        if (word.Length > text.Length)
        {
            return false;
        }
        bool mayMatch = true;
        for (int c = 0; c <= text.Length - word.Length; c++)
        {
            if (delimiters.Contains(text[c]))
            {
                mayMatch = true;
                continue;
            }
            if (!mayMatch)
            {
                continue;
            }
            if (text.AsSpan(c, word.Length).Equals(word, comparison) &&
                (c + word.Length == text.Length || delimiters.Contains(text[c + word.Length])))
            {
                return true;
            }
            mayMatch = false;
        }
        return false;
    }
}
