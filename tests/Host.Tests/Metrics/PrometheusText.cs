using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorProxy.Host.Tests.Metrics;

/// <summary>A scrape in Prometheus' text format: each sample by its name and labels (sorted, so
/// that the order an exporter writes them in does not count), and each metric's TYPE.</summary>
public sealed partial class PrometheusText
{
    private PrometheusText(Dictionary<string, double> samples, Dictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    /// <summary>Each sample's value, by <c>name{label="value",…}</c> with the labels sorted.</summary>
    public IReadOnlyDictionary<string, double> Samples { get; }

    /// <summary>Each metric's type (counter, gauge…), by name.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>Parses a scrape; throws <see cref="FormatException"/> on a line that is not a sample.</summary>
    public static PrometheusText Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] words = line.Split(' ');
                types[words[2]] = words[3];
                continue;
            }
            if (line.StartsWith('#'))
            {
                continue;
            }
            var sample = SampleLine().Match(line);
            if (!sample.Success)
            {
                throw new FormatException($"not a Prometheus sample: '{line}'");
            }
            var labels = LabelPair().Matches(sample.Groups["labels"].Value)
                .Select(m => $"{m.Groups[1].Value}=\"{m.Groups[2].Value}\"")
                .Order(StringComparer.Ordinal);
            string value = sample.Groups["value"].Value;
            samples[$"{sample.Groups["name"].Value}{{{string.Join(',', labels)}}}"] = value == "NaN" ? double.NaN : double.Parse(value, CultureInfo.InvariantCulture);
        }
        return new PrometheusText(samples, types);
    }

    /// <summary>The samples of the metric <paramref name="name"/>.</summary>
    public IEnumerable<KeyValuePair<string, double>> Of(string name) =>
        Samples.Where(s => s.Key.StartsWith(name + "{", StringComparison.Ordinal));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
