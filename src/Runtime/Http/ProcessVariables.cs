using System.Collections.Concurrent;

namespace ActorProxy.Runtime.Http;

/// <summary>
/// The <c>proc.*</c> variables: one set for the whole process, read and written by every
/// worker (HAProxy's <c>proc_vars</c>). A <c>proc.*</c> name the configuration mentions is
/// declared when it is parsed, as HAProxy declares it: it holds nothing until set, and Lua's
/// <c>set_var(…, true)</c> (<c>ifexist</c>) may set only a variable that is declared or set
/// already. In a cluster each node has its own.
/// </summary>
public sealed class ProcessVariables
{
    private readonly ConcurrentDictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _declared = new(StringComparer.Ordinal);

    /// <summary>The process's variables.</summary>
    public static ProcessVariables Shared { get; } = new();

    /// <summary>Declares <paramref name="name"/>, a <c>proc.*</c> name found in the configuration.</summary>
    public void Declare(string name) => _declared[name] = true;

    /// <summary>The value of <paramref name="name"/>, if it is set.</summary>
    public bool TryGet(string name, out object value) => _values.TryGetValue(name, out value!);

    /// <summary>Sets <paramref name="name"/>; with <paramref name="ifExists"/>, only a variable
    /// that is declared or set. True when it was set.</summary>
    public bool Set(string name, object value, bool ifExists)
    {
        if (ifExists && !_declared.ContainsKey(name) && !_values.ContainsKey(name))
        {
            return false;
        }
        _values[name] = value;
        return true;
    }

    /// <summary>Clears <paramref name="name"/>; a declared name stays declared.</summary>
    public void Unset(string name) => _values.TryRemove(name, out _);
}
