namespace ActorProxy.Runtime.Samples;

/// <summary>
/// HAProxy's pattern files: lines that start with <c>#</c> and empty ones skipped, spaces and tabs
/// before an entry dropped. An ACL's <c>-f</c> file has one pattern per line, up to its end, spaces
/// after it kept (<c>pat_ref_read_from_file</c>); a map file one key and one value, the spaces
/// around them dropped (<c>pat_ref_read_from_file_smp</c>).
/// </summary>
internal static class PatternFile
{
    /// <summary>The patterns of the file at <paramref name="path"/>, with their line numbers.</summary>
    /// <exception cref="SampleSyntaxException">The file cannot be read; the message names it.</exception>
    public static List<(string Key, string Value, int Line)> ReadPatterns(string path) =>
        [.. Entries(path, $"pattern file '{path}'").Select(e => (Key: e.Text.TrimEnd('\r'), Value: "", e.Line)).Where(e => e.Key.Length > 0)];

    /// <summary>The keys and values of the map file at <paramref name="path"/> (written
    /// <paramref name="name"/>), with their line numbers.</summary>
    /// <exception cref="SampleSyntaxException">The file cannot be read; the message names <paramref name="name"/>.</exception>
    public static List<(string Key, string Value, int Line)> ReadMap(string path, string name) =>
        [.. Entries(path, $"map file '{name}'").Select(e =>
        {
            int end = e.Text.AsSpan().IndexOfAny(' ', '\t');
            return end < 0 ? (e.Text, "", e.Line) : (e.Text[..end], e.Text[end..].Trim(' ', '\t'), e.Line);
        })];

    // Each entry's text from its first character that is no space or tab, with its line number.
    private static IEnumerable<(string Text, int Line)> Entries(string path, string what)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SampleSyntaxException($"failed to open {what}: {e.Message}");
        }
        for (int number = 1; number <= lines.Length; number++)
        {
            string line = lines[number - 1];
            string text = line.TrimStart(' ', '\t');
            if (!line.StartsWith('#') && text.Length > 0)
            {
                yield return (text, number);
            }
        }
    }
}
