namespace ActorProxy.Runtime.Rules;

/// <summary>Where a rule is parsed: the frontend's named ACLs, the folder pattern files
/// (<c>-f FILE</c>) are relative to, and whether the response is there to read.</summary>
/// <param name="Acls">The frontend's named ACLs (and HAProxy's predefined ones).</param>
/// <param name="BaseDirectory">The configuration file's folder.</param>
/// <param name="Response">True for <c>http-response</c> rules: response fetches are allowed.</param>
public sealed record RuleContext(NamedAcls Acls, string BaseDirectory, bool Response)
{
    /// <summary>The configuration's maps, which its rules' map converters share.</summary>
    public Samples.MapReferences Maps { get; init; } = new();

    /// <summary>The configuration's stick tables, which track-sc rules and the stick counters' fetches name.</summary>
    public Stick.StickTables Tables { get; init; } = new();

    /// <summary>The proxy the rules belong to: its stick table is the one a rule or fetch names none.</summary>
    public string? Proxy { get; init; }

    /// <summary>True in a mode tcp frontend, whose rules may read what a fetch refused in mode http
    /// reads (<see cref="Samples.SampleFetchDefinition.RefusedInHttp"/>).</summary>
    public bool TcpContent { get; init; }

    /// <summary>Where its samples' files and tables come from.</summary>
    public Samples.SampleFiles Files => new(BaseDirectory, Maps) { Tables = Tables, Proxy = Proxy };

    /// <summary>The table called <paramref name="name"/>, or the proxy's own for null.</summary>
    /// <exception cref="Samples.SampleSyntaxException">There is none.</exception>
    public Stick.StickTable Table(string? name, string what)
    {
        try
        {
            return Files.Table(name);
        }
        catch (Samples.SampleSyntaxException e)
        {
            throw new Samples.SampleSyntaxException($"{what}: {e.Message}");
        }
    }

    /// <summary>Request rules with only the predefined ACLs, paths relative to the current folder.</summary>
    public static RuleContext Default { get; } = new(NamedAcls.Predefined(), Environment.CurrentDirectory, Response: false);

    /// <summary>The same context for response rules.</summary>
    public RuleContext ForResponse() => this with { Response = true };

    /// <summary>Refuses a sample that reads what these rules cannot see: the response in request
    /// rules, the request's line and headers in response rules (where HAProxy refuses a format
    /// and warns that an ACL will never match).</summary>
    /// <exception cref="Samples.SampleSyntaxException">The sample is out of place.</exception>
    public void Check(Samples.SampleExpression sample)
    {
        string rules = Response ? "http-response rules" : "http-request rules";
        if (!TcpContent && sample.Fetch.BuiltInFetch?.RefusedInHttp is { } refusal)
        {
            throw new Samples.SampleSyntaxException($"'{sample.Fetch.Name}' reads a TCP connection's data, in mode tcp; {refusal}");
        }
        var direction = sample.Direction;
        if (direction == Samples.SampleDirection.Response && !Response)
        {
            throw new Samples.SampleSyntaxException($"'{sample.Fetch.Name}' reads the response, which {rules} do not see");
        }
        if (direction == Samples.SampleDirection.Request && Response)
        {
            throw new Samples.SampleSyntaxException(
                $"'{sample.Fetch.Name}' reads the request's line or headers, which {rules} do not see (HAProxy refuses it in a format and never matches it in an ACL); keep what you need in a variable with http-request set-var");
        }
    }
}
