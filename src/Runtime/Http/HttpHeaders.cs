namespace ActorProxy.Runtime.Http;

/// <summary>
/// HTTP header fields in arrival order, names compared without case, one entry per field line
/// (so a repeated header keeps each value), as HAProxy's HTX keeps them.
/// </summary>
public sealed class HttpHeaders
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    /// <summary>Counts changes, so that a caller can tell whether rules touched the fields.</summary>
    public int Version { get; private set; }

    /// <summary>Every field, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>Removes every field.</summary>
    public void Clear()
    {
        _fields.Clear();
        Version++;
    }

    /// <summary>Appends a field (<c>add-header</c>).</summary>
    public void Add(string name, string value)
    {
        _fields.Add(new(name, value));
        Version++;
    }

    /// <summary>Removes every field called <paramref name="name"/>, then adds one (<c>set-header</c>).</summary>
    public void Set(string name, string value)
    {
        Remove(name);
        Add(name, value);
    }

    /// <summary>Removes every field called <paramref name="name"/> (<c>del-header</c>); returns how many.</summary>
    public int Remove(string name)
    {
        Version++;
        return _fields.RemoveAll(field => IsNamed(field, name));
    }

    /// <summary>The values of <paramref name="name"/>, in order.</summary>
    public IEnumerable<string> GetValues(string name)
    {
        foreach (var field in _fields)
        {
            if (IsNamed(field, name))
            {
                yield return field.Value;
            }
        }
    }

    /// <summary>The last value of <paramref name="name"/> (HAProxy's <c>hdr(name)</c> takes the last occurrence), or null.</summary>
    public string? GetLast(string name)
    {
        for (int i = _fields.Count - 1; i >= 0; i--)
        {
            if (IsNamed(_fields[i], name))
            {
                return _fields[i].Value;
            }
        }
        return null;
    }

    /// <summary>Replaces, in every value of <paramref name="name"/>, the matches of
    /// <paramref name="pattern"/> by <paramref name="replacement"/> (<c>replace-header</c>).</summary>
    public void Replace(string name, System.Text.RegularExpressions.Regex pattern, string replacement)
    {
        for (int i = 0; i < _fields.Count; i++)
        {
            if (IsNamed(_fields[i], name))
            {
                _fields[i] = new(_fields[i].Key, pattern.Replace(_fields[i].Value, replacement));
                Version++;
            }
        }
    }

    private static bool IsNamed(KeyValuePair<string, string> field, string name) =>
        string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase);
}
