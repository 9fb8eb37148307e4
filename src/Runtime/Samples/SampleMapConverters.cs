using ActorProxy.Runtime.Rules;
using static ActorProxy.Runtime.Samples.SampleArgKind;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// HAProxy's map converters (configuration.txt 7.3.1, <c>map</c>): <c>map_MATCH[_OUT](file[,default])</c>
/// for the match methods str, beg, sub, dir, dom, end, reg, int and ip and the outputs str (the
/// default), int and ip; <c>map</c> is <c>map_str</c>. The file is read when the configuration is,
/// the default parsed into the output type then too; without a default, a key not found makes the
/// converter fail, as an absent sample.
/// </summary>
internal static class SampleMapConverters
{
    private static readonly (string Name, AclMatchMethod Match, SampleType Input)[] Matches =
    [
        ("str", AclMatchMethod.Str, SampleType.Str),
        ("beg", AclMatchMethod.Beg, SampleType.Str),
        ("sub", AclMatchMethod.Sub, SampleType.Str),
        ("dir", AclMatchMethod.Dir, SampleType.Str),
        ("dom", AclMatchMethod.Dom, SampleType.Str),
        ("end", AclMatchMethod.End, SampleType.Str),
        ("reg", AclMatchMethod.Reg, SampleType.Str),
        ("int", AclMatchMethod.Number, SampleType.SInt),
        ("ip", AclMatchMethod.Ip, SampleType.Ip),
    ];

    private static readonly (string Suffix, SampleType Output)[] Outputs = [("", SampleType.Str), ("_int", SampleType.SInt), ("_ip", SampleType.Ip)];

    /// <summary>Every map converter.</summary>
    public static IEnumerable<SampleConverterDefinition> All()
    {
        yield return Define("map", AclMatchMethod.Str, SampleType.Str, SampleType.Str);
        foreach (var (name, match, input) in Matches)
        {
            foreach (var (suffix, output) in Outputs)
            {
                yield return Define($"map_{name}{suffix}", match, input, output);
            }
        }
    }

    private static SampleConverterDefinition Define(string name, AclMatchMethod match, SampleType input, SampleType output) =>
        new(name, input, output, new SampleArgSpec(1, Str, Str), (sample, args, _) =>
        {
            var (map, fallback) = ((SampleMap, object?))args.Prepared!;
            return map.Lookup(sample) ?? fallback;
        })
        {
            Prepare = (args, files) =>
            {
                if (args.Text(0).Length == 0)
                {
                    throw new SampleSyntaxException("expects the name of a map file");
                }
                object? fallback = null;
                if (args.Has(1))
                {
                    fallback = SampleMap.Value(args.Text(1), output) ?? throw new SampleSyntaxException(
                        $"default value '{args.Text(1)}' is not {(output == SampleType.SInt ? "an integer" : "an IP address")}");
                }
                var reference = files.Maps.GetOrRead(Path.GetFullPath(args.Text(0), files.BaseDirectory), args.Text(0));
                return (SampleMap.Over(reference, match, output), fallback);
            },
        };
}
