using System.Text;
using System.Text.RegularExpressions;

namespace ActorProxy.Runtime.Samples;

/// <summary>The kind of one argument of a fetch or converter, as HAProxy's <c>ARGT_*</c>.</summary>
public enum SampleArgKind
{
    /// <summary><c>ARGT_STR</c>: any text.</summary>
    Str,

    /// <summary><c>ARGT_SINT</c>: an integer, all of the argument.</summary>
    SInt,

    /// <summary><c>ARGT_VAR</c>: a variable name, <c>scope.name</c>.</summary>
    Var,

    /// <summary><c>ARGT_REG</c>: a regular expression.</summary>
    Reg,

    /// <summary>An integer or a variable name (the arithmetic converters' argument).</summary>
    IntOrVar,
}

/// <summary>What arguments a fetch or converter takes: their kinds in order, and how many must be given.</summary>
/// <param name="Required">How many of the first arguments are mandatory.</param>
/// <param name="Kinds">The kind of each argument.</param>
public sealed record SampleArgSpec(int Required, params SampleArgKind[] Kinds)
{
    /// <summary>No argument.</summary>
    public static readonly SampleArgSpec None = new(0);
}

/// <summary>
/// The arguments of one fetch or converter, parsed and checked once, when the configuration is
/// read (HAProxy's <c>make_arg_list</c>): texts, integers, regular expressions, variable names.
/// </summary>
public sealed class SampleArgs
{
    /// <summary>No arguments.</summary>
    public static readonly SampleArgs Empty = new([], [], []);

    private readonly string[] _texts;
    private readonly long?[] _integers;
    private readonly Regex?[] _patterns;

    private SampleArgs(string[] texts, long?[] integers, Regex?[] patterns)
    {
        _texts = texts;
        _integers = integers;
        _patterns = patterns;
    }

    /// <summary>How many arguments were given.</summary>
    public int Count => _texts.Length;

    /// <summary>Argument <paramref name="index"/> as written, or "" when not given.</summary>
    public string Text(int index) => index < _texts.Length ? _texts[index] : "";

    /// <summary>True when argument <paramref name="index"/> was given (even empty).</summary>
    public bool Has(int index) => index < _texts.Length;

    /// <summary>Argument <paramref name="index"/> as an integer, or <paramref name="fallback"/>
    /// when not given or (for <see cref="SampleArgKind.IntOrVar"/>) a variable name.</summary>
    public long Number(int index, long fallback = 0) => index < _integers.Length && _integers[index] is { } n ? n : fallback;

    /// <summary>True when argument <paramref name="index"/> is an integer constant.</summary>
    public bool IsInteger(int index) => index < _integers.Length && _integers[index] is not null;

    /// <summary>Argument <paramref name="index"/>'s regular expression.</summary>
    public Regex Regex(int index) => _patterns[index] ?? throw new InvalidOperationException($"argument {index + 1} is not a regular expression");

    /// <summary>Every argument as written.</summary>
    public IReadOnlyList<string> Texts => _texts;

    /// <summary>What the converter made of its arguments when the configuration was read (a map
    /// file's contents), or null.</summary>
    public object? Prepared { get; private set; }

    /// <summary>Keeps what the converter made of its arguments.</summary>
    internal void Prepare(object prepared) => Prepared = prepared;

    /// <summary>Reads the arguments of <paramref name="keyword"/> from <paramref name="text"/> at
    /// <paramref name="position"/> (just after the name; nothing there means no arguments) and
    /// checks them against <paramref name="spec"/>. On return <paramref name="position"/> is past
    /// the closing parenthesis. Regular expression arguments take <paramref name="regexOptions"/>
    /// made from the arguments (<c>regsub</c>'s <c>i</c> flag).</summary>
    /// <exception cref="SampleSyntaxException">The arguments do not parse or do not fit.</exception>
    public static SampleArgs Parse(string keyword, SampleArgSpec spec, string text, ref int position,
        Func<IReadOnlyList<string>, RegexOptions>? regexOptions = null)
    {
        // No parentheses, or "name()", is one empty argument when one is required (which only a
        // text argument accepts), else no argument at all.
        var raw = position < text.Length && text[position] == '(' ? Split(keyword, text, ref position) : [""];
        if (raw is [""] && spec.Required == 0)
        {
            raw = [];
        }
        return Of(keyword, spec, raw, regexOptions);
    }

    /// <summary>Checks arguments given as values (from Lua's <c>txn.f</c> and <c>txn.c</c>)
    /// against <paramref name="spec"/>.</summary>
    /// <exception cref="SampleSyntaxException">The arguments do not fit.</exception>
    public static SampleArgs Of(string keyword, SampleArgSpec spec, IReadOnlyList<string> raw,
        Func<IReadOnlyList<string>, RegexOptions>? regexOptions = null)
    {
        if (raw.Count > spec.Kinds.Length)
        {
            throw new SampleSyntaxException(spec.Kinds.Length == 0
                ? $"'{keyword}' does not support any argument"
                : $"'{keyword}' takes at most {spec.Kinds.Length} argument(s), got {raw.Count}");
        }
        if (raw.Count < spec.Required)
        {
            throw new SampleSyntaxException($"'{keyword}' expects at least {spec.Required} argument(s), got {raw.Count}");
        }
        var integers = new long?[raw.Count];
        var patterns = new Regex?[raw.Count];
        for (int i = 0; i < raw.Count; i++)
        {
            string argument = raw[i];
            switch (spec.Kinds[i])
            {
                case SampleArgKind.SInt:
                    integers[i] = ParseInteger(argument) ??
                        throw new SampleSyntaxException($"'{keyword}': argument {i + 1} '{argument}' is not an integer");
                    break;
                case SampleArgKind.IntOrVar:
                    integers[i] = ParseInteger(argument);
                    if (integers[i] is null)
                    {
                        CheckVariable(keyword, i, argument);
                    }
                    break;
                case SampleArgKind.Var:
                    if (argument.Length > 0 || i < spec.Required)
                    {
                        CheckVariable(keyword, i, argument);
                    }
                    break;
                case SampleArgKind.Reg:
                    try
                    {
                        var options = RegexOptions.CultureInvariant | (regexOptions?.Invoke(raw) ?? RegexOptions.None);
                        patterns[i] = new Regex(argument, options, TimeSpan.FromSeconds(1));
                    }
                    catch (ArgumentException e)
                    {
                        throw new SampleSyntaxException($"'{keyword}': argument {i + 1} is not a valid regular expression: {e.Message}");
                    }
                    break;
            }
        }
        return new SampleArgs([.. raw], integers, patterns);
    }

    /// <summary>True when <paramref name="name"/> is <c>scope.name</c> with one of HAProxy's scopes.</summary>
    public static bool IsVariableName(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < name.Length - 1 && name[..dot] is "proc" or "sess" or "txn" or "req" or "res";
    }

    private static void CheckVariable(string keyword, int index, string name)
    {
        if (!IsVariableName(name))
        {
            throw new SampleSyntaxException(
                $"'{keyword}': argument {index + 1} '{name}' is not a variable name; expected scope.name with scope proc, sess, txn, req or res");
        }
        DeclareIfProcess(name);
    }

    /// <summary>A <c>proc.*</c> name the configuration mentions exists from then on, empty, as
    /// HAProxy declares it while parsing (<c>vars_check_arg</c>).</summary>
    public static void DeclareIfProcess(string name)
    {
        if (name.StartsWith("proc.", StringComparison.Ordinal))
        {
            Http.ProcessVariables.Shared.Declare(name);
        }
    }

    // An integer that is the whole argument (HAProxy's read_int64 must consume every character).
    private static long? ParseInteger(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }
        long value = SampleValue.ReadInt64(text, out int used);
        return used == text.Length && char.IsAsciiDigit(text[^1]) ? value : null;
    }

    // make_arg_list: arguments separated by ',' up to the first ')' outside quotes; single or
    // double quotes group; outside single quotes a backslash escapes '\', ' ', '"' and '\'', and
    // \r \n \t are control characters; any other backslash is kept.
    private static List<string> Split(string keyword, string text, ref int position)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        bool single = false, dbl = false;
        int i = position + 1;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"' && !single)
            {
                dbl = !dbl;
            }
            else if (c == '\'' && !dbl)
            {
                single = !single;
            }
            else if (c == '\\' && !single && i + 1 < text.Length)
            {
                char next = text[i + 1];
                switch (next)
                {
                    case '\\' or ' ' or '"' or '\'':
                        current.Append(next);
                        i++;
                        break;
                    case 'r' or 'n' or 't':
                        current.Append(next switch { 'r' => '\r', 'n' => '\n', _ => '\t' });
                        i++;
                        break;
                    default:
                        current.Append(c);
                        break;
                }
            }
            else if (!single && !dbl && c == ',')
            {
                arguments.Add(current.ToString());
                current.Clear();
            }
            else if (!single && !dbl && c == ')')
            {
                arguments.Add(current.ToString());
                position = i + 1;
                return arguments;
            }
            else
            {
                current.Append(c);
            }
        }
        throw new SampleSyntaxException(single || dbl
            ? $"unterminated quote in the arguments of '{keyword}'"
            : $"missing ')' after the arguments of '{keyword}'");
    }
}
