using System.Globalization;

namespace ActorProxy.Runtime.Stick;

/// <summary>
/// A proxy's <c>stick-table</c> line (HAProxy's parse_stick_table): the key's type and size, how
/// many entries it holds, how long an untouched one lives, and what each entry stores, rates with
/// their period in milliseconds.
/// </summary>
/// <param name="Name">The table's name: its proxy's.</param>
/// <param name="Type">The key's type.</param>
/// <param name="KeyLength">For strings and binaries, the key's length in bytes.</param>
/// <param name="Size">The most entries it holds.</param>
/// <param name="Expire">Milliseconds an untouched entry lives, or 0 for ever.</param>
/// <param name="Stores">What each entry stores; a rate's value is its period in milliseconds, others' 0.</param>
public sealed record StickTableSettings(string Name, StickKeyType Type, int KeyLength, int Size, long Expire,
    IReadOnlyDictionary<StickDataType, uint> Stores)
{
    private static readonly Dictionary<string, string> RefusedOptions = new()
    {
        ["peers"] = "ActorProxy shares stick tables with its cluster's nodes by itself (no peers section)",
        ["srvkey"] = "srvkey serves 'stick on' persistence, which ActorProxy does not have",
        ["write-to"] = "write-to needs a second table fed by this one, which ActorProxy does not do yet",
    };

    /// <summary>The key's type as the configuration names it (<c>ip</c>, <c>ipv6</c>, <c>integer</c>, <c>string</c>, <c>binary</c>).</summary>
    public string TypeName => Type switch
    {
        StickKeyType.Ip => "ip",
        StickKeyType.Ipv6 => "ipv6",
        StickKeyType.Number => "integer",
        StickKeyType.Text => "string",
        _ => "binary",
    };

    /// <summary>What the nodes of a cluster must agree on to add up their shares of the table:
    /// the key and what an entry stores (size and expire may differ between nodes).</summary>
    public string Shape => $"type {TypeName} len {KeyLength} store " + string.Join(',',
        StickDataTypes.All.Where(Stores.ContainsKey).Select(t => Stores[t] == 0 ? StickDataTypes.Name(t) : $"{StickDataTypes.Name(t)}({Stores[t]})"));

    /// <summary>Reads what follows <c>stick-table</c> for the proxy <paramref name="name"/>.</summary>
    /// <exception cref="FormatException">The line does not parse, or asks what ActorProxy does not do; the message says which.</exception>
    public static StickTableSettings Parse(string name, string line)
    {
        string[] words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        StickKeyType? type = null;
        int keyLength = 0;
        long? size = null;
        long expire = 0;
        bool nopurge = false;
        var stores = new Dictionary<StickDataType, uint>();
        for (int i = 0; i < words.Length; i++)
        {
            string word = words[i];
            string Next() => i + 1 < words.Length ? words[++i] : throw new FormatException($"stick-table: missing argument after '{word}'");
            switch (word)
            {
                case "type":
                    (type, keyLength) = Next() switch
                    {
                        "ip" => (StickKeyType.Ip, 4),
                        "ipv6" => (StickKeyType.Ipv6, 16),
                        "integer" => (StickKeyType.Number, 4),
                        "string" => (StickKeyType.Text, 31),
                        "binary" => (StickKeyType.Binary, 32),
                        var other => throw new FormatException($"stick-table: unknown type '{other}'"),
                    };
                    if (type is StickKeyType.Text or StickKeyType.Binary && i + 1 < words.Length && words[i + 1] == "len")
                    {
                        i++;
                        string length = Next();
                        if (!int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out keyLength) || keyLength == 0)
                        {
                            throw new FormatException($"stick-table: unknown type '{(type == StickKeyType.Text ? "string" : "binary")}' (len '{length}' is not a positive length)");
                        }
                    }
                    break;
                case "size":
                    size = SizeOf(Next());
                    break;
                case "expire":
                    expire = Delay(word, Next());
                    break;
                case "nopurge":
                    nopurge = true;
                    break;
                case "store":
                    foreach (var (data, period) in StoreList(Next()))
                    {
                        // HAProxy warns and keeps the first.
                        stores.TryAdd(data, period);
                    }
                    break;
                case var refused when RefusedOptions.TryGetValue(refused, out string? why):
                    throw new FormatException($"stick-table: '{refused}' is not supported: {why}");
                default:
                    throw new FormatException($"stick-table: unknown argument '{word}'");
            }
        }
        if (size is null)
        {
            throw new FormatException("stick-table: missing size");
        }
        if (type is null)
        {
            throw new FormatException("stick-table: missing type");
        }
        if (nopurge)
        {
            throw new FormatException("stick-table: 'nopurge' is not supported: a full table refuses new entries instead of dropping the oldest, which ActorProxy does not do yet");
        }
        return new StickTableSettings(name, type.Value, keyLength, (int)Math.Min(size.Value, int.MaxValue), expire, stores);
    }

    // parse_size_err: a number with an optional k, m or g (powers of 1024).
    private static long SizeOf(string text)
    {
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }
        long value = digits == 0 ? 0 : long.Parse(text.AsSpan(0, digits), CultureInfo.InvariantCulture);
        string unit = text[digits..];
        return unit switch
        {
            "" => value,
            "k" or "K" => value << 10,
            "m" or "M" => value << 20,
            "g" or "G" => value << 30,
            _ => throw new FormatException($"stick-table: unexpected character '{unit[0]}' in argument of 'size'"),
        };
    }

    private static long Delay(string keyword, string text) => Config.HaproxyTime.Milliseconds(text, keyword, "stick-table: ");

    // store a,b(period),…: what each entry keeps.
    private static IEnumerable<(StickDataType, uint)> StoreList(string list)
    {
        int at = 0;
        while (at < list.Length)
        {
            int end = at;
            int open = -1;
            while (end < list.Length && list[end] != ',')
            {
                if (list[end] == '(')
                {
                    open = end;
                    end = list.IndexOf(')', end);
                    if (end < 0)
                    {
                        throw new FormatException($"stick-table: missing closing parenthesis after store option '{list[at..open]}'");
                    }
                }
                end++;
            }
            string name = open < 0 ? list[at..end] : list[at..open];
            string? argument = open < 0 ? null : list[(open + 1)..(end - 1)];
            at = end + 1;
            if (StickDataTypes.Refused.TryGetValue(name, out string? why))
            {
                throw new FormatException($"stick-table: store option '{name}' is not supported: {why}");
            }
            var type = StickDataTypes.Find(name) ?? throw new FormatException($"stick-table: unknown store option '{name}'");
            bool rate = StickDataTypes.IsRate(type);
            if (rate && string.IsNullOrEmpty(argument))
            {
                throw new FormatException($"stick-table: missing argument to store option '{name}'");
            }
            if (!rate && argument is not null)
            {
                throw new FormatException($"stick-table: unexpected argument to store option '{name}'");
            }
            yield return (type, rate ? (uint)Delay(name, argument!) : 0);
        }
    }
}
