using System.Globalization;
using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// The built-in sample fetches and converters, with HAProxy's names. A sample is a string, a
/// long, a bool, or null when it is not found.
/// </summary>
public static class SampleFunctions
{
    /// <summary>Fetches by name: (exchange, arguments) → sample.</summary>
    public static IReadOnlyDictionary<string, Func<HttpExchange, IReadOnlyList<string>, object?>> Fetches { get; } =
        new Dictionary<string, Func<HttpExchange, IReadOnlyList<string>, object?>>(StringComparer.Ordinal)
        {
            ["src"] = (x, _) => x.ClientAddress,
            ["src_port"] = (x, _) => (long)x.ClientPort,
            ["method"] = (x, _) => x.Method,
            ["path"] = (x, _) => x.Path,
            ["query"] = (x, _) => x.Query,
            ["url"] = (x, _) => x.Url,
            ["hdr"] = (x, a) => Header(x.RequestHeaders, a),
            ["req.hdr"] = (x, a) => Header(x.RequestHeaders, a),
            ["res.hdr"] = (x, a) => Header(x.ResponseHeaders, a),
            ["status"] = (x, _) => x.Status == 0 ? null : (long)x.Status,
            ["var"] = (x, a) => a.Count > 0 && x.Variables.TryGetValue(a[0], out var value) ? value : null,
            ["fe_name"] = (x, _) => x.Frontend,
            ["be_name"] = (x, _) => x.Backend,
        };

    /// <summary>Converters by name: (input, arguments) → sample.</summary>
    public static IReadOnlyDictionary<string, Func<object, IReadOnlyList<string>, object?>> Converters { get; } =
        new Dictionary<string, Func<object, IReadOnlyList<string>, object?>>(StringComparer.Ordinal)
        {
            ["lower"] = (s, _) => AsString(s).ToLowerInvariant(),
            ["upper"] = (s, _) => AsString(s).ToUpperInvariant(),
            ["length"] = (s, _) => (long)AsString(s).Length,
            ["base64"] = (s, _) => System.Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(AsString(s))),
        };

    /// <summary>How many arguments each fetch takes at most; a fetch not listed takes none.</summary>
    internal static int MaxArguments(string fetch) => fetch switch
    {
        "hdr" or "req.hdr" or "res.hdr" => 2,
        "var" => 1,
        _ => 0,
    };

    /// <summary>A sample as HAProxy prints it into a string.</summary>
    public static string AsString(object sample) => sample switch
    {
        string s => s,
        long n => n.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        _ => System.Convert.ToString(sample, CultureInfo.InvariantCulture) ?? "",
    };

    // hdr(name[,occ]): the last occurrence by default, as HAProxy; occ counts from 1, or from
    // the end when negative.
    private static string? Header(HttpHeaders headers, IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0)
        {
            return null;
        }
        if (arguments.Count < 2)
        {
            return headers.GetLast(arguments[0]);
        }
        var values = headers.GetValues(arguments[0]).ToArray();
        int occurrence = int.Parse(arguments[1], CultureInfo.InvariantCulture);
        int index = occurrence > 0 ? occurrence - 1 : values.Length + occurrence;
        return index >= 0 && index < values.Length ? values[index] : null;
    }
}
