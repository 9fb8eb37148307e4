namespace ActorProxy.Runtime.Http;

/// <summary>
/// HTTP header fields in arrival order, names compared without case, one entry per field line
/// (so a repeated header keeps each value), as HAProxy's HTX keeps them.
/// </summary>
public sealed class HttpHeaders
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    // What changed since AcceptChanges, so that only that is written back to the real message.
    private readonly List<string> _changedNames = [];
    private bool _cleared;

    /// <summary>Every field, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>True when every field was removed since <see cref="AcceptChanges"/>: the whole
    /// set is new.</summary>
    public bool WasCleared => _cleared;

    /// <summary>The names of the fields changed since <see cref="AcceptChanges"/>, each once;
    /// meaningless when <see cref="WasCleared"/>.</summary>
    public IReadOnlyList<string> ChangedNames => _changedNames;

    /// <summary>Takes the fields as they are now as the unchanged state.</summary>
    public void AcceptChanges()
    {
        _changedNames.Clear();
        _cleared = false;
    }

    /// <summary>Removes every field.</summary>
    public void Clear()
    {
        _fields.Clear();
        _changedNames.Clear();
        _cleared = true;
    }

    /// <summary>Appends a field (<c>add-header</c>).</summary>
    public void Add(string name, string value)
    {
        _fields.Add(new(name, value));
        NoteChanged(name);
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
        NoteChanged(name);
        int removed = 0;
        for (int i = _fields.Count - 1; i >= 0; i--)
        {
            if (IsNamed(_fields[i], name))
            {
                _fields.RemoveAt(i);
                removed++;
            }
        }
        return removed;
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

    /// <summary>Removes every field whose name satisfies <paramref name="matches"/> (given the
    /// name in lower case, as HAProxy's HTX keeps it); returns how many.</summary>
    public int RemoveWhere(Func<string, bool> matches)
    {
        int removed = 0;
        for (int i = _fields.Count - 1; i >= 0; i--)
        {
            if (matches(_fields[i].Key.ToLowerInvariant()))
            {
                NoteChanged(_fields[i].Key);
                _fields.RemoveAt(i);
                removed++;
            }
        }
        return removed;
    }

    /// <summary>Replaces each whole line of <paramref name="name"/> by what
    /// <paramref name="replace"/> makes of it (null: unchanged), as <c>replace-header</c>.</summary>
    public void ReplaceLines(string name, Func<string, string?> replace)
    {
        for (int i = 0; i < _fields.Count; i++)
        {
            if (IsNamed(_fields[i], name) && replace(_fields[i].Value) is { } value)
            {
                _fields[i] = new(_fields[i].Key, value);
                NoteChanged(name);
            }
        }
    }

    /// <summary>Replaces each comma-separated value of <paramref name="name"/> by what
    /// <paramref name="replace"/> makes of it (null: unchanged), as <c>replace-value</c>: the
    /// spaces around a replaced value go with it, the commas stay.</summary>
    public void ReplaceValues(string name, Func<string, string?> replace) =>
        ReplaceLines(name, line =>
        {
            var text = new System.Text.StringBuilder(line.Length);
            bool changed = false;
            int written = 0;
            foreach (var (start, end) in HeaderValues.Segments(line))
            {
                string value = line[start..end].Trim(' ', '\t');
                if (replace(value) is { } replacement)
                {
                    text.Append(line, written, start - written).Append(replacement);
                    written = end;
                    changed = true;
                }
            }
            return changed ? text.Append(line, written, line.Length - written).ToString() : null;
        });

    private void NoteChanged(string name)
    {
        if (_cleared)
        {
            return;
        }
        foreach (string changed in _changedNames)
        {
            if (string.Equals(changed, name, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }
        _changedNames.Add(name);
    }

    private static bool IsNamed(KeyValuePair<string, string> field, string name) =>
        string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase);
}
