namespace ActorProxy.Runtime.Stats;

/// <summary>One line of <c>show stat</c>: a frontend, a server or a backend.</summary>
/// <param name="Values">The values of <see cref="StatCsv.Fields"/>, in order; empty where there is none.</param>
public sealed record StatRow(IReadOnlyList<string> Values)
{
    /// <summary>The value of a field by its name (<c>pxname</c>, <c>scur</c>…).</summary>
    public string this[string field] => Values[IndexOf(field)];

    /// <summary>The proxy's name.</summary>
    public string Proxy => this["pxname"];

    /// <summary><c>FRONTEND</c>, <c>BACKEND</c> or the server's name.</summary>
    public string Name => this["svname"];

    private static int IndexOf(string field)
    {
        for (int i = 0; i < StatCsv.Fields.Count; i++)
        {
            if (StatCsv.Fields[i] == field)
            {
                return i;
            }
        }
        throw new ArgumentException($"'{field}' is not a show stat field", nameof(field));
    }
}
