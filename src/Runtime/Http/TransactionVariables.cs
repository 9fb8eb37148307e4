namespace ActorProxy.Runtime.Http;

/// <summary>
/// The variables a transaction sees, by HAProxy's scopes: <c>proc.*</c> for the process,
/// <c>sess.*</c> for the client connection (shared by its transactions), <c>txn.*</c> for the
/// transaction, <c>req.*</c> while the request is processed and <c>res.*</c> once the response
/// is: as in HAProxy 2.6, a <c>res.*</c> variable cannot be set during the request, and the
/// <c>req.*</c> ones are gone when the response is processed.
/// </summary>
public sealed class TransactionVariables
{
    private readonly Dictionary<string, object> _transaction = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _phase = new(StringComparer.Ordinal);
    private Dictionary<string, object> _session = NewSession();
    private bool _response;

    /// <summary>The <c>proc.*</c> variables these transactions share.</summary>
    public ProcessVariables Process { get; set; } = ProcessVariables.Shared;

    /// <summary>True once the response is processed (<c>res.*</c> instead of <c>req.*</c>).</summary>
    public bool InResponse => _response;

    /// <summary>The transaction, request-or-response and session variables by full name (not
    /// <c>proc.*</c>), for a snapshot.</summary>
    public IEnumerable<KeyValuePair<string, object>> Local => _transaction.Concat(_phase).Concat(_session);

    /// <summary>A new transaction: its variables cleared, with a session of its own until
    /// <see cref="UseSession"/> gives it its connection's.</summary>
    public void Reset()
    {
        _transaction.Clear();
        _phase.Clear();
        _session = NewSession();
        _response = false;
    }

    /// <summary>The <c>sess.*</c> variables are those of <paramref name="session"/>, the
    /// connection's set, which its transactions share.</summary>
    public void UseSession(Dictionary<string, object> session) => _session = session;

    /// <summary>A new, empty set of <c>sess.*</c> variables for a connection.</summary>
    public static Dictionary<string, object> NewSession() => new(StringComparer.Ordinal);

    /// <summary>The response is now processed: the <c>req.*</c> variables are dropped.</summary>
    public void BeginResponse()
    {
        if (!_response)
        {
            _phase.Clear();
            _response = true;
        }
    }

    /// <summary>The value of <paramref name="name"/>, which must be set and visible now.</summary>
    /// <exception cref="KeyNotFoundException">It is not.</exception>
    public object this[string name] => TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"variable '{name}' is not set");

    /// <summary>The value of <paramref name="name"/>, if it is set and visible now.</summary>
    public bool TryGetValue(string name, out object value)
    {
        value = null!;
        return Scope(name) switch
        {
            "proc" => Process.TryGet(name, out value),
            "sess" => _session.TryGetValue(name, out value!),
            "txn" => _transaction.TryGetValue(name, out value!),
            "req" when !_response => _phase.TryGetValue(name, out value!),
            "res" when _response => _phase.TryGetValue(name, out value!),
            _ => false,
        };
    }

    /// <summary>Sets <paramref name="name"/>. False when its scope is unknown or not writable now,
    /// or (with <paramref name="ifExists"/>) a <c>proc.*</c> variable that does not exist.</summary>
    public bool Set(string name, object value, bool ifExists = false)
    {
        switch (Scope(name))
        {
            case "proc":
                return Process.Set(name, value, ifExists);
            case "sess":
                _session[name] = value;
                return true;
            case "txn":
                _transaction[name] = value;
                return true;
            case "req" when !_response:
            case "res" when _response:
                _phase[name] = value;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Removes <paramref name="name"/>; true when its scope is valid and writable now,
    /// whether or not it was set (<c>var_unset</c>).</summary>
    public bool Unset(string name)
    {
        switch (Scope(name))
        {
            case "proc":
                Process.Unset(name);
                return true;
            case "sess":
                _session.Remove(name);
                return true;
            case "txn":
                _transaction.Remove(name);
                return true;
            case "req" when !_response:
            case "res" when _response:
                _phase.Remove(name);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Makes these variables hold exactly <paramref name="local"/> (from a snapshot),
    /// in the request or the response phase.</summary>
    public void Replace(IEnumerable<KeyValuePair<string, object>> local, bool inResponse)
    {
        _transaction.Clear();
        _phase.Clear();
        _session.Clear();
        _response = inResponse;
        foreach (var (name, value) in local)
        {
            Set(name, value);
        }
    }

    private static string Scope(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < name.Length - 1 ? name[..dot] : "";
    }
}
