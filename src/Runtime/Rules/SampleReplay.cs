namespace ActorProxy.Runtime.Rules;

/// <summary>
/// The Lua samples a rule has computed so far in its current run, in call order. A rule whose
/// sample must wait (a shared-state fetch or converter whose answer has not come) is run again
/// from its start once the answer is in: the samples it had already computed — Lua's among them,
/// which may have side effects — are given back in the same order instead of being computed
/// again, so the rule sees each sample once, as if it had never stopped.
/// </summary>
public sealed class SampleReplay
{
    private readonly List<object?> _values = [];
    private int _next;

    /// <summary>The next value recorded in an earlier run of the rule, if any.</summary>
    public bool TryNext(out object? value)
    {
        if (_next < _values.Count)
        {
            value = _values[_next++];
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>Records the value of the next sample, computed now.</summary>
    public void Record(object? value)
    {
        _values.Add(value);
        _next = _values.Count;
    }

    /// <summary>The rule runs again from its start: the values are replayed from the first.</summary>
    public void Rewind() => _next = 0;

    /// <summary>The rule is over: its samples are forgotten.</summary>
    public void Clear()
    {
        _values.Clear();
        _next = 0;
    }
}
