namespace ActorProxy.Runtime.Lua;

/// <summary>
/// A function registered by name from Lua (HAProxy's <c>struct hlua_function</c>): one function
/// reference per state that registered it, as <c>function_ref[state_id]</c>.
/// </summary>
public sealed class LuaRegisteredFunction
{
    /// <summary>The value of <see cref="GetReference"/> for a state that did not register it.</summary>
    public const int NoReference = -1;

    /// <summary>The value of <see cref="GetReference"/> for a state that registered it on another
    /// node of the cluster (the shared state, hosted by the singleton elsewhere).</summary>
    public const int Elsewhere = int.MaxValue;

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
    public int GetReference(int stateId)
    {
        var references = Volatile.Read(ref _references);
        return stateId < references.Length ? Volatile.Read(ref references[stateId]) : NoReference;
    }

    /// <summary>True when state <paramref name="stateId"/> registered this function, here or on
    /// another node.</summary>
    public bool IsIn(int stateId) => GetReference(stateId) != NoReference;

    /// <summary>True when state <paramref name="stateId"/> registered this function in this
    /// process: its reference may be called.</summary>
    public bool IsHere(int stateId) => GetReference(stateId) is not NoReference and not Elsewhere;

    /// <summary>Sets the reference for one state; returns the one it replaces, or <see cref="NoReference"/>.
    /// Called under the registry's lock; readers take no lock, so a longer array is filled
    /// completely before it is published: a reader never sees a slot that is not yet
    /// <see cref="NoReference"/> or a real reference.</summary>
    internal int SetReference(int stateId, int reference)
    {
        var references = _references;
        if (stateId >= references.Length)
        {
            var longer = new int[stateId + 1];
            Array.Fill(longer, NoReference);
            references.CopyTo(longer, 0);
            longer[stateId] = reference;
            Volatile.Write(ref _references, longer);
            return NoReference;
        }
        int previous = references[stateId];
        Volatile.Write(ref references[stateId], reference);
        return previous;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{LuaFunctionRegistry.Describe(Kind)} 'lua.{Name}'";
}
