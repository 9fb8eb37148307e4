namespace ActorProxy.Runtime.Samples;

/// <summary>HAProxy's map file format (<c>pat_ref_read_from_file_smp</c>): one key and one value
/// per line, spaces and tabs around them dropped, lines that start with <c>#</c> and empty ones
/// skipped.</summary>
internal static class MapFile
{
    /// <summary>The entries of the file at <paramref name="path"/>, with their line numbers.</summary>
    /// <exception cref="SampleSyntaxException">The file cannot be read; the message names <paramref name="name"/>.</exception>
    public static List<(string Key, string Value, int Line)> Read(string path, string name)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SampleSyntaxException($"failed to open map file '{name}': {e.Message}");
        }
        var entries = new List<(string, string, int)>();
        for (int number = 1; number <= lines.Length; number++)
        {
            string line = lines[number - 1];
            if (line.StartsWith('#'))
            {
                continue;
            }
            var rest = line.AsSpan().TrimStart(" \t");
            if (rest.IsEmpty)
            {
                continue;
            }
            int end = rest.IndexOfAny(' ', '\t');
            entries.Add(((end < 0 ? rest : rest[..end]).ToString(), (end < 0 ? "" : rest[end..].Trim(" \t")).ToString(), number));
        }
        return entries;
    }
}
