using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ActorProxy.Runtime.Http;
using static ActorProxy.Runtime.Samples.SampleArgKind;

// md5 and sha1 are what HAProxy's sha1 and hmac converters offer; they hash, they do not protect secrets here.
#pragma warning disable CA5350, CA5351

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// The built-in converters, with HAProxy 2.6's names, input and output types and arguments
/// (configuration.txt section 7.3.1), each ported from its HAProxy function.
/// </summary>
public static class SampleConverters
{
    private static readonly Dictionary<string, SampleConverterDefinition> s_byName = new(StringComparer.Ordinal);

    static SampleConverters()
    {
        Add("lower", SampleType.Str, SampleType.Str, SampleArgSpec.None, (s, _, _) => Text(s).ToLowerInvariant());
        Add("upper", SampleType.Str, SampleType.Str, SampleArgSpec.None, (s, _, _) => Text(s).ToUpperInvariant());
        Add("length", SampleType.Str, SampleType.SInt, SampleArgSpec.None, (s, _, _) => (long)Encoding.UTF8.GetByteCount(Text(s)));
        Add("ltrim", SampleType.Str, SampleType.Str, new(1, Str), (s, a, _) => Text(s).TrimStart(a.Text(0).ToCharArray()));
        Add("rtrim", SampleType.Str, SampleType.Str, new(1, Str), (s, a, _) => Text(s).TrimEnd(a.Text(0).ToCharArray()));
        Add("field", SampleType.Str, SampleType.Str, new(2, SInt, Str, SInt), (s, a, _) => Field(Text(s), a));
        Add("word", SampleType.Str, SampleType.Str, new(2, SInt, Str, SInt), (s, a, _) => Word(Text(s), a));
        Add("regsub", SampleType.Str, SampleType.Str, new(2, Reg, Str, Str),
            (s, a, _) => RegexReplacement.Replace(a.Regex(0), Text(s), a.Text(1), a.Text(2).Contains('g')),
            check: a => a.Text(2).Trim('g', 'i').Length == 0 ? null : $"flags '{a.Text(2)}' are not g or i",
            regexOptions: a => a.Count > 2 && a[2].Contains('i') ? RegexOptions.IgnoreCase : RegexOptions.None);
        Add("concat", SampleType.Str, SampleType.Str, new(0, Str, Var, Str), (s, a, x) =>
            Text(s) + a.Text(0) + (a.Text(1).Length > 0 && x.Variables.TryGetValue(a.Text(1), out var v) ? SampleValue.AsString(v) : "") + a.Text(2));
        Add("strcmp", SampleType.Str, SampleType.SInt, new(1, Var), (s, a, x) => Compare(Text(s), a, x));
        Add("url_dec", SampleType.Str, SampleType.Str, new(0, SInt), (s, a, _) => UrlDecode(Text(s), a.Number(0) != 0));
        Add("url_enc", SampleType.Str, SampleType.Str, new(1, Str), (s, _, _) => UrlEncode(Text(s)),
            check: a => a.Text(0) is "" or "query" ? null : "unexpected encode type; the allowed value is 'query'");
        Add("json", SampleType.Str, SampleType.Str, new(0, Str), (s, a, _) => Json(Text(s), a.Text(0)),
            check: a => a.Text(0) is "" or "ascii" or "utf8" or "utf8s" or "utf8p" or "utf8ps" ? null
                : $"unknown input code '{a.Text(0)}'; expected ascii, utf8, utf8s, utf8p or utf8ps");
        Add("json_query", SampleType.Str, SampleType.Any, new(1, Str, Str), (s, a, _) => JsonQuery.Run(Text(s), a.Text(0), a.Text(1) == "int"),
            check: a => a.Text(1) is "" or "int" ? null : $"output type '{a.Text(1)}' is not 'int'");

        Add("base64", SampleType.Bin, SampleType.Str, SampleArgSpec.None, (s, _, _) => Convert.ToBase64String(Bytes(s)));
        Add("b64dec", SampleType.Str, SampleType.Bin, SampleArgSpec.None, (s, _, _) => Base64Decode(Text(s), url: false));
        Add("ub64enc", SampleType.Bin, SampleType.Str, SampleArgSpec.None,
            (s, _, _) => Convert.ToBase64String(Bytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        Add("ub64dec", SampleType.Str, SampleType.Bin, SampleArgSpec.None, (s, _, _) => Base64Decode(Text(s), url: true));
        Add("hex", SampleType.Bin, SampleType.Str, SampleArgSpec.None, (s, _, _) => Convert.ToHexString(Bytes(s)));
        Add("bytes", SampleType.Bin, SampleType.Bin, new(1, SInt, SInt), (s, a, _) => Slice(Bytes(s), a));
        Add("sha1", SampleType.Bin, SampleType.Bin, SampleArgSpec.None, (s, _, _) => SHA1.HashData(Bytes(s)));
        Add("sha2", SampleType.Bin, SampleType.Bin, new(0, SInt), (s, a, _) => Sha2(Bytes(s), a.Number(0, 256)),
            check: a => a.Number(0, 256) is 256 or 384 or 512 ? null
                : a.Number(0) == 224 ? "SHA-224 is not supported by ActorProxy (.NET has no SHA-224); use 256, 384 or 512"
                : $"unsupported number of bits {a.Number(0)}; expected 224, 256, 384 or 512");
        Add("hmac", SampleType.Bin, SampleType.Bin, new(2, Str, Str), (s, a, x) => Hmac(Bytes(s), a, x),
            check: a => HmacAlgorithms.Contains(a.Text(0)) ? null : $"unsupported digest '{a.Text(0)}'; expected one of {string.Join(", ", HmacAlgorithms)}");
        Add("crc32", SampleType.Bin, SampleType.SInt, new(0, SInt), (s, _, _) => Crc32(Bytes(s)),
            check: a => a.Number(0) == 0 ? null
                : "the avalanche flag is not supported by ActorProxy (HAProxy 2.6.12's full_hash gives other values than its sources say); use crc32 without it");
        Add("ipmask", SampleType.Ip, SampleType.Ip, new(1, Str, Str), (s, a, _) => IpMask((IPAddress)s, a),
            check: a => IpMaskArguments(a));

        Add("add", SampleType.SInt, SampleType.SInt, new(1, IntOrVar), (s, a, x) => Operand(a, x) is { } b ? Add((long)s, b) : null);
        Add("sub", SampleType.SInt, SampleType.SInt, new(1, IntOrVar), (s, a, x) => Operand(a, x) is { } b ? Subtract((long)s, b) : null);
        Add("mul", SampleType.SInt, SampleType.SInt, new(1, IntOrVar), (s, a, x) => Operand(a, x) is { } b ? Multiply((long)s, b) : null);
        Add("div", SampleType.SInt, SampleType.SInt, new(1, IntOrVar), (s, a, x) => Operand(a, x) is { } b ? Divide((long)s, b) : null);
        Add("mod", SampleType.SInt, SampleType.SInt, new(1, IntOrVar), (s, a, x) => Operand(a, x) is { } b ? Modulo((long)s, b) : null);
        Add("and", SampleType.SInt, SampleType.SInt, new(1, IntOrVar), (s, a, x) => Operand(a, x) is { } b ? (long)s & b : null);
        Add("or", SampleType.SInt, SampleType.SInt, new(1, IntOrVar), (s, a, x) => Operand(a, x) is { } b ? (long)s | b : null);
        Add("xor", SampleType.SInt, SampleType.SInt, new(1, IntOrVar), (s, a, x) => Operand(a, x) is { } b ? (long)s ^ b : null);
        Add("neg", SampleType.SInt, SampleType.SInt, SampleArgSpec.None, (s, _, _) => (long)s == long.MinValue ? long.MaxValue : -(long)s);
        Add("bool", SampleType.SInt, SampleType.Bool, SampleArgSpec.None, (s, _, _) => (long)s != 0);
        Add("not", SampleType.SInt, SampleType.Bool, SampleArgSpec.None, (s, _, _) => (long)s == 0);
        Add("even", SampleType.SInt, SampleType.Bool, SampleArgSpec.None, (s, _, _) => ((long)s & 1) == 0);
        Add("odd", SampleType.SInt, SampleType.Bool, SampleArgSpec.None, (s, _, _) => ((long)s & 1) != 0);
        foreach (var map in SampleMapConverters.All())
        {
            s_byName.Add(map.Name, map);
        }
        foreach (var stick in Stick.StickSamples.Converters())
        {
            s_byName.Add(stick.Name, stick);
        }
    }

    /// <summary>The converter called <paramref name="name"/>, or null.</summary>
    public static SampleConverterDefinition? Find(string name) => s_byName.GetValueOrDefault(name);

    /// <summary>Every converter name.</summary>
    public static IEnumerable<string> Names => s_byName.Keys;

    // OpenSSL's digest names that .NET also has (no SHA-224).
    private static readonly string[] HmacAlgorithms = ["md5", "sha1", "sha256", "sha384", "sha512"];

    private static void Add(string name, SampleType input, SampleType output, SampleArgSpec args,
        Func<object, SampleArgs, HttpExchange, object?> convert, Func<SampleArgs, string?>? check = null,
        Func<IReadOnlyList<string>, RegexOptions>? regexOptions = null) =>
        s_byName.Add(name, new SampleConverterDefinition(name, input, output, args, convert) { Check = check, RegexOptions = regexOptions });

    private static string Text(object sample) => (string)sample;

    private static byte[] Bytes(object sample) => (byte[])sample;

    // sample_conv_field: fields between any of the delimiter characters; index from 1, or from
    // the end when negative; count fields (0: all the rest). Not found fails.
    private static object? Field(string input, SampleArgs args)
    {
        long index = args.Number(0);
        long count = args.Has(2) ? args.Number(2) : 1;
        string delimiters = args.Text(1);
        if (index == 0)
        {
            return null;
        }
        // One scan for both directions: the edge moves, the mark is where the field began.
        int step = index < 0 ? -1 : 1;
        long wanted = Math.Abs(index);
        long field = 1;
        int edge = step < 0 ? input.Length : 0;
        int mark = edge;
        string Taken() => step < 0 ? input[edge..mark] : input[mark..edge];
        while (step < 0 ? edge > 0 : edge < input.Length)
        {
            if (delimiters.Contains(input[step < 0 ? edge - 1 : edge]))
            {
                if (field == wanted)
                {
                    if (count == 1)
                    {
                        return Taken();
                    }
                    if (count > 1)
                    {
                        count--;
                    }
                }
                else
                {
                    mark = edge + step;
                    field++;
                }
            }
            edge += step;
        }
        return field == wanted ? Taken() : null;
    }

    // sample_conv_word: like field, but runs of delimiters count as one. Not found is empty.
    private static object? Word(string input, SampleArgs args)
    {
        long index = args.Number(0);
        long count = args.Has(2) ? args.Number(2) : 1;
        string delimiters = args.Text(1);
        if (index == 0)
        {
            return null;
        }
        // One scan for both directions: the edge moves, the mark is where the word began.
        bool backward = index < 0;
        long wanted = Math.Abs(index);
        long word = 0;
        bool inWord = false;
        int edge = backward ? input.Length : 0;
        int mark = edge;
        string Taken() => backward ? input[edge..mark] : input[mark..edge];
        while (backward ? edge > 0 : edge < input.Length)
        {
            bool separator = delimiters.Contains(input[backward ? edge - 1 : edge]);
            if (!inWord)
            {
                if (!separator)
                {
                    if (word != wanted)
                    {
                        word++;
                        mark = edge;
                    }
                    inWord = true;
                }
            }
            else if (separator)
            {
                if (word == wanted)
                {
                    if (count == 1)
                    {
                        return Taken();
                    }
                    if (count > 1)
                    {
                        count--;
                    }
                }
                inWord = false;
            }
            edge += backward ? -1 : 1;
        }
        return word != wanted ? "" : Taken();
    }

    // sample_conv_strcmp: -1, 0 or 1 when one is a prefix of the other, else strncmp's sign.
    private static object? Compare(string input, SampleArgs args, HttpExchange exchange)
    {
        if (!exchange.Variables.TryGetValue(args.Text(0), out var variable))
        {
            return null;
        }
        int result = string.CompareOrdinal(input, SampleValue.AsString(variable));
        return (long)Math.Sign(result);
    }

    // url_decode: %XX is a byte (a bad sequence fails); '+' is a space in a form or after '?'.
    private static object? UrlDecode(string input, bool form)
    {
        var bytes = new List<byte>(input.Length);
        bool query = form;
        for (int i = 0; i < input.Length; i++)
        {
            char c = input[i];
            if (c == '?')
            {
                query = true;
            }
            if (c == '+' && query)
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%')
            {
                if (i + 2 >= input.Length || !char.IsAsciiHexDigit(input[i + 1]) || !char.IsAsciiHexDigit(input[i + 2]))
                {
                    return null;
                }
                bytes.Add(Convert.ToByte(input.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
        return SampleValue.BytesToString([.. bytes]);
    }

    // The query encode map: every byte but RFC 3986's unreserved characters as %XX.
    private static string UrlEncode(string input)
    {
        var text = new StringBuilder(input.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(input))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(Convert.ToHexString([b]));
            }
        }
        return text.ToString();
    }

    // sample_conv_json: the input escaped for a JSON string; anything beyond printable ASCII as
    // \uXXXX; the UTF-8 input codes fail (utf8, utf8p) or skip (utf8s, utf8ps) what is invalid.
    private static object? Json(string input, string inputCode)
    {
        var text = new StringBuilder(input.Length + 8);
        bool ascii = inputCode is "" or "ascii";
        IEnumerable<int> characters = ascii ? Encoding.UTF8.GetBytes(input).Select(b => (int)b) : Runes(input);
        foreach (int c in characters)
        {
            if (c > 0xffff)
            {
                if (inputCode is "utf8" or "utf8p")
                {
                    return null;
                }
                continue;
            }
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '/' => "\\/",
                '\b' => "\\b",
                '\f' => "\\f",
                '\r' => "\\r",
                '\n' => "\\n",
                '\t' => "\\t",
                < 0x20 or >= 0x7f => $"\\u{c:x4}",
                _ => ((char)c).ToString(),
            });
        }
        return text.ToString();
    }

    private static IEnumerable<int> Runes(string input)
    {
        foreach (var rune in input.EnumerateRunes())
        {
            yield return rune.Value;
        }
    }

    private static object? Base64Decode(string input, bool url)
    {
        string text = url ? input.Replace('-', '+').Replace('_', '/') : input;
        if (url && text.Length % 4 != 0)
        {
            text = text.PadRight(text.Length + (4 - text.Length % 4), '=');
        }
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // sample_conv_bytes: from offset, at most length bytes; past the end is empty.
    private static byte[] Slice(byte[] input, SampleArgs args)
    {
        long offset = args.Number(0);
        if (input.Length <= offset)
        {
            return [];
        }
        long length = input.Length - offset;
        if (args.Has(1) && args.Number(1) < length)
        {
            length = args.Number(1);
        }
        return input.AsSpan((int)offset, (int)Math.Max(0, length)).ToArray();
    }

    private static byte[] Sha2(byte[] input, long bits) => bits switch
    {
        384 => SHA384.HashData(input),
        512 => SHA512.HashData(input),
        _ => SHA256.HashData(input),
    };

    private static object? Hmac(byte[] input, SampleArgs args, HttpExchange exchange)
    {
        string keyText = SampleArgs.IsVariableName(args.Text(1)) && exchange.Variables.TryGetValue(args.Text(1), out var v)
            ? SampleValue.AsString(v)
            : args.Text(1);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(keyText);
        }
        catch (FormatException)
        {
            return null;
        }
        return args.Text(0) switch
        {
            "md5" => HMACMD5.HashData(key, input),
            "sha1" => HMACSHA1.HashData(key, input),
            "sha384" => HMACSHA384.HashData(key, input),
            "sha512" => HMACSHA512.HashData(key, input),
            _ => HMACSHA256.HashData(key, input),
        };
    }

    // hash_crc32: the IEEE polynomial, reflected.
    private static long Crc32(byte[] input)
    {
        uint hash = ~0u;
        foreach (byte b in input)
        {
            hash ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                hash = (hash >> 1) ^ ((hash & 1) != 0 ? 0xedb88320u : 0);
            }
        }
        return ~hash;
    }

    private static string? IpMaskArguments(SampleArgs args)
    {
        if (IpNetwork.ParseMask4(args.Text(0)) is null)
        {
            return $"'{args.Text(0)}' is not an IPv4 mask (bits or dotted)";
        }
        return args.Has(1) && (!int.TryParse(args.Text(1), out int bits) || bits is < 0 or > 128)
            ? $"'{args.Text(1)}' is not an IPv6 mask length"
            : null;
    }

    // sample_conv_ipmask: a mapped IPv6 address is masked as IPv4; IPv6 needs its own mask.
    private static object? IpMask(IPAddress address, SampleArgs args)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return IpNetwork.Mask(address, IpNetwork.ParseMask4(args.Text(0))!.Value);
        }
        return args.Has(1) ? IpNetwork.Mask(address, int.Parse(args.Text(1), System.Globalization.CultureInfo.InvariantCulture)) : null;
    }

    // The arithmetic converters' operand: a constant, or a variable cast to an integer.
    private static long? Operand(SampleArgs args, HttpExchange exchange) =>
        args.IsInteger(0) ? args.Number(0)
        : exchange.Variables.TryGetValue(args.Text(0), out var value) ? SampleValue.ToLong(value) : null;

    // arith_add: saturates instead of overflowing.
    private static long Add(long a, long b)
    {
        if ((a ^ b) >= 0)
        {
            if (a < 0 ? long.MinValue - a > b : long.MaxValue - a < b)
            {
                return a < 0 ? long.MinValue : long.MaxValue;
            }
        }
        return a + b;
    }

    private static long Subtract(long a, long b)
    {
        if (b == long.MinValue)
        {
            long sum = Add(a, long.MaxValue);
            return sum < long.MaxValue ? sum + 1 : sum;
        }
        return Add(a, -b);
    }

    private static long Multiply(long a, long b)
    {
        if (a == 0 || b == 0)
        {
            return 0;
        }
        if (a == long.MinValue && b == -1)
        {
            return long.MaxValue;
        }
        long c = unchecked(a * b);
        if (a != c / b)
        {
            return (a < 0) == (b < 0) ? long.MaxValue : long.MinValue;
        }
        return c;
    }

    private static long Divide(long a, long b) => b == 0 || (a == long.MinValue && b == -1) ? long.MaxValue : a / b;

    private static long Modulo(long a, long b) => b == 0 || (a == long.MinValue && b == -1) ? 0 : a % b;
}
