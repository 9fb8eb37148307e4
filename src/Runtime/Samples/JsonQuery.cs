using System.Globalization;
using System.Text.Json;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// The <c>json_query</c> converter (<c>sample_conv_json_query</c> on mjson): a JSON path of
/// <c>$</c>, <c>.key</c>, <c>['key']</c> and <c>[index]</c> steps; strings and booleans come back
/// as they are, numbers as C's <c>%g</c> prints them, or as integers with the <c>int</c> output
/// type (JSON's safe range only); null, arrays, objects and misses fail.
/// </summary>
internal static class JsonQuery
{
    private const long SafeInteger = (1L << 53) - 1;

    public static object? Run(string json, string path, bool asInteger)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
        using (document)
        {
            if (Find(document.RootElement, path) is not { } element)
            {
                return null;
            }
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    return asInteger ? null : element.GetString();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.Number when asInteger:
                    long integer = SampleValue.ReadInt64(element.GetRawText(), out _);
                    return integer is < -SafeInteger or > SafeInteger ? null : integer;
                case JsonValueKind.Number:
                    return FormatG(element.GetDouble());
                default:
                    return null;
            }
        }
    }

    private static JsonElement? Find(JsonElement root, string path)
    {
        if (!path.StartsWith('$'))
        {
            return null;
        }
        var current = root;
        int i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = i + 1;
                while (end < path.Length && path[end] is not ('.' or '['))
                {
                    end++;
                }
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(path[(i + 1)..end], out current))
                {
                    return null;
                }
                i = end;
            }
            else if (path[i] == '[')
            {
                int close = path.IndexOf(']', i);
                if (close < 0)
                {
                    return null;
                }
                string inside = path[(i + 1)..close];
                if (inside.Length >= 2 && inside[0] is '\'' or '"' && inside[^1] == inside[0])
                {
                    if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(inside[1..^1], out current))
                    {
                        return null;
                    }
                }
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out int index) &&
                    current.ValueKind == JsonValueKind.Array && index < current.GetArrayLength())
                {
                    current = current[index];
                }
                else
                {
                    return null;
                }
                i = close + 1;
            }
            else
            {
                return null;
            }
        }
        return current;
    }

    // printf("%g"): six significant digits, scientific notation below 1e-4 or from 1e6, no trailing zeros.
    internal static string FormatG(double value)
    {
        if (value == 0)
        {
            return "0";
        }
        string rounded = value.ToString("E5", CultureInfo.InvariantCulture);
        int exponent = int.Parse(rounded[(rounded.IndexOf('E') + 1)..], CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= 6)
        {
            string mantissa = rounded[..rounded.IndexOf('E')];
            mantissa = mantissa.Contains('.') ? mantissa.TrimEnd('0').TrimEnd('.') : mantissa;
            return $"{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
        }
        string fixedText = value.ToString("F" + Math.Max(0, 5 - exponent), CultureInfo.InvariantCulture);
        return fixedText.Contains('.') ? fixedText.TrimEnd('0').TrimEnd('.') : fixedText;
    }
}
