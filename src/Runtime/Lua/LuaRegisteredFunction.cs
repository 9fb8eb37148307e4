namespace ActorProxy.Runtime.Lua;

/// <summary>
/// A function registered by name from Lua (HAProxy's <c>struct hlua_function</c>): one function
/// reference per state that registered it, as <c>function_ref[state_id]</c>.
/// </summary>
public sealed class LuaRegisteredFunction
{
    /// <summary>The value of <see cref="GetReference"/> for a state that did not register it.</summary>
    public const int NoReference = -1;

    private int[] _references = [];

    internal LuaRegisteredFunction(LuaFunctionKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    /// <summary>Which namespace the name lives in.</summary>
    public LuaFunctionKind Kind { get; }

    /// <summary>The name as registered, without the <c>lua.</c> prefix rules use.</summary>
    public string Name { get; }

    /// <summary>The function's reference in state <paramref name="stateId"/>, or <see cref="NoReference"/>.</summary>
    public int GetReference(int stateId) =>
        stateId < _references.Length ? _references[stateId] : NoReference;

    /// <summary>True when state <paramref name="stateId"/> registered this function.</summary>
    public bool IsIn(int stateId) => GetReference(stateId) != NoReference;

    /// <summary>Sets the reference for one state; returns the one it replaces, or <see cref="NoReference"/>.</summary>
    internal int SetReference(int stateId, int reference)
    {
        if (stateId >= _references.Length)
        {
            int oldLength = _references.Length;
            Array.Resize(ref _references, stateId + 1);
            Array.Fill(_references, NoReference, oldLength, _references.Length - oldLength);
        }
        int previous = _references[stateId];
        _references[stateId] = reference;
        return previous;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{LuaFunctionRegistry.Describe(Kind)} 'lua.{Name}'";
}
