namespace ActorProxy.Runtime.Samples;

/// <summary>HAProxy's pattern file format (<c>pat_ref_read_from_file</c>), as ACLs read their
/// <c>-f</c> files: one pattern per line, up to its end; spaces and tabs before it dropped, those
/// after it kept; lines that start with <c>#</c> and empty ones skipped.</summary>
internal static class PatternFile
{
    /// <summary>The patterns of the file at <paramref name="path"/>, with their line numbers.</summary>
    /// <exception cref="SampleSyntaxException">The file cannot be read; the message names it.</exception>
    public static List<(string Key, string Value, int Line)> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SampleSyntaxException($"failed to open pattern file '{path}': {e.Message}");
        }
        var patterns = new List<(string, string, int)>();
        for (int number = 1; number <= lines.Length; number++)
        {
            string line = lines[number - 1];
            if (line.StartsWith('#'))
            {
                continue;
            }
            string pattern = line.TrimStart(' ', '\t').TrimEnd('\r');
            if (pattern.Length > 0)
            {
                patterns.Add((pattern, "", number));
            }
        }
        return patterns;
    }
}
