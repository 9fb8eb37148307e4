namespace ActorProxy.Runtime.Http;

/// <summary>
/// How HAProxy reads header values: a field line holds comma-separated values (commas inside
/// double quotes do not separate, <c>http_find_hdr_value_end</c>), each trimmed of spaces and
/// tabs; cookies are <c>name=value</c> pairs separated by <c>;</c>.
/// </summary>
public static class HeaderValues
{
    // The comma-separated values of one field line, trimmed, in order.
    private static IEnumerable<string> Split(string line)
    {
        foreach (var (start, length) in Spans(line))
        {
            yield return line.Substring(start, length);
        }
    }

    /// <summary>Where each comma-separated value of <paramref name="line"/> is, trimmed.</summary>
    public static IEnumerable<(int Start, int Length)> Spans(string line)
    {
        foreach (var (start, end) in Segments(line))
        {
            yield return Trim(line, start, end);
        }
    }

    /// <summary>Where each part of <paramref name="line"/> between commas is, with the spaces
    /// around its value (what <c>replace-value</c> replaces, <c>http_replace_header_value</c>).</summary>
    public static IEnumerable<(int Start, int End)> Segments(string line)
    {
        int start = 0;
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                yield return (start, i);
                start = i + 1;
            }
        }
        yield return (start, line.Length);
    }

    /// <summary>Every value of <paramref name="name"/> (every field when null), split at commas
    /// when <paramref name="split"/>, else one per field line.</summary>
    public static IEnumerable<string> Of(HttpHeaders headers, string? name, bool split)
    {
        foreach (var (field, line) in headers.Fields)
        {
            if (name is not null && !string.Equals(field, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!split)
            {
                yield return line;
                continue;
            }
            foreach (string value in Split(line))
            {
                yield return value;
            }
        }
    }

    /// <summary>Occurrence <paramref name="occurrence"/> of the values (from 1, or from the end when
    /// negative; 0 is the last, as a sample expression reads a header), or null.</summary>
    public static string? Occurrence(IEnumerable<string> values, long occurrence)
    {
        if (occurrence > 0)
        {
            foreach (string value in values)
            {
                if (--occurrence == 0)
                {
                    return value;
                }
            }
            return null;
        }
        var all = values as IReadOnlyList<string> ?? [.. values];
        long index = all.Count + (occurrence == 0 ? -1 : occurrence);
        return index >= 0 && index < all.Count ? all[(int)index] : null;
    }

    /// <summary>The values of cookies called <paramref name="name"/> (every cookie's when empty) in
    /// <c>Cookie</c> lines (<paramref name="response"/> false) or the first pair of each
    /// <c>Set-Cookie</c> line; names are case-sensitive, spaces around names and values ignored.</summary>
    public static IEnumerable<string> Cookies(HttpHeaders headers, string name, bool response)
    {
        foreach (string line in Of(headers, response ? "set-cookie" : "cookie", split: false))
        {
            foreach (string pair in line.Split(';'))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals >= 0)
                {
                    string cookie = pair[..equals].Trim(' ', '\t');
                    if (cookie.Length > 0 && (name.Length == 0 || cookie == name))
                    {
                        yield return pair[(equals + 1)..].Trim(' ', '\t');
                    }
                }
                if (response)
                {
                    break;
                }
            }
        }
    }

    /// <summary>The values of query parameter <paramref name="name"/> (every parameter's when
    /// empty), not decoded: parameters start after '?' and end before '&amp;', ';' or <paramref name="delimiter"/>.</summary>
    public static IEnumerable<string> QueryParameters(string? query, string name, char? delimiter)
    {
        if (query is null)
        {
            yield break;
        }
        int start = 0;
        for (int i = 0; i <= query.Length; i++)
        {
            if (i < query.Length && query[i] != '&' && query[i] != ';' && query[i] != delimiter)
            {
                continue;
            }
            var parameter = query.AsSpan(start, i - start);
            start = i + 1;
            int equals = parameter.IndexOf('=');
            var key = equals < 0 ? parameter : parameter[..equals];
            if (key.Length > 0 && (name.Length == 0 || key.SequenceEqual(name)))
            {
                yield return equals < 0 ? "" : parameter[(equals + 1)..].ToString();
            }
        }
    }

    private static (int Start, int Length) Trim(string line, int start, int end)
    {
        while (start < end && line[start] is ' ' or '\t')
        {
            start++;
        }
        while (end > start && line[end - 1] is ' ' or '\t')
        {
            end--;
        }
        return (start, end - start);
    }
}
