namespace ActorProxy.Runtime.Stick;

/// <summary>
/// One condition on a stick table's entries (HAProxy's <c>struct stk_filter</c>): a stored data
/// type compared with a value by one of HAProxy's standard operators, as <c>show table … data.TYPE
/// OP VALUE</c> and Lua's <c>StickTable.dump</c> take it.
/// </summary>
/// <param name="Type">The data type read.</param>
/// <param name="Op">One of <see cref="Operators"/>.</param>
/// <param name="Value">What it is compared with.</param>
public sealed record StickFilter(StickDataType Type, string Op, long Value)
{
    /// <summary>HAProxy's standard operators (get_std_op).</summary>
    public static IReadOnlyList<string> Operators { get; } = ["eq", "ne", "le", "ge", "lt", "gt"];

    /// <summary>True when <paramref name="entry"/> of <paramref name="table"/> passes (a type the
    /// table does not store reads 0).</summary>
    public bool Matches(StickTable table, StickEntry entry)
    {
        long data = entry.Read(Type, table.Now) ?? 0;
        return Op switch
        {
            "eq" => data == Value,
            "ne" => data != Value,
            "le" => data <= Value,
            "ge" => data >= Value,
            "lt" => data < Value,
            _ => data > Value,
        };
    }
}
