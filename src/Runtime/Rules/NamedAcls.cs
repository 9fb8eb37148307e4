using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// A frontend's named ACLs (<c>acl NAME expression</c> lines; several lines with one name are
/// ORed) and HAProxy's predefined ones (configuration.txt 7.4), looked up by the conditions
/// that name them.
/// </summary>
public sealed class NamedAcls
{
    // HAProxy's default_acl_list. REQ_CONTENT is req.len gt 0, and in an HTTP stream the
    // request's headers are always in the buffer when rules run: true where HTTP rules run.
    private static readonly (string Name, string Expression)[] PredefinedExpressions =
    [
        ("TRUE", "always_true"),
        ("FALSE", "always_false"),
        ("LOCALHOST", "src 127.0.0.1/8 ::1"),
        ("HTTP", "req.proto_http"),
        ("HTTP_1.0", "req.ver 1.0"),
        ("HTTP_1.1", "req.ver 1.1"),
        ("HTTP_2.0", "req.ver 2.0"),
        ("METH_CONNECT", "method CONNECT"),
        ("METH_DELETE", "method DELETE"),
        ("METH_GET", "method GET HEAD"),
        ("METH_HEAD", "method HEAD"),
        ("METH_OPTIONS", "method OPTIONS"),
        ("METH_POST", "method POST"),
        ("METH_PUT", "method PUT"),
        ("METH_TRACE", "method TRACE"),
        ("HTTP_URL_ABS", "url_reg ^[^/:]*://"),
        ("HTTP_URL_SLASH", "url_beg /"),
        ("HTTP_URL_STAR", "url *"),
        ("HTTP_CONTENT", "req.hdr_val(content-length) gt 0"),
        ("REQ_CONTENT", "req.proto_http"),
        ("WAIT_END", "wait_end"),
    ];

    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["RDP_COOKIE"] = "the predefined ACL RDP_COOKIE (req.rdp_cookie_cnt) is not supported by ActorProxy",
    };

    private static readonly Lazy<Dictionary<string, IReadOnlyList<AclMatch>>> s_predefined = new(() =>
    {
        var context = new RuleContext(new NamedAcls(), Environment.CurrentDirectory, Response: false);
        return PredefinedExpressions.ToDictionary(
            p => p.Name,
            p => (IReadOnlyList<AclMatch>)[AclMatch.Parse(RuleToken.Split(p.Expression), context)],
            StringComparer.Ordinal);
    });

    private readonly Dictionary<string, List<AclMatch>> _declared = new(StringComparer.Ordinal);

    /// <summary>Only the predefined ACLs.</summary>
    public static NamedAcls Predefined() => new();

    /// <summary>Adds an <c>acl</c> line: <paramref name="line"/> is what follows <c>acl</c>.</summary>
    /// <exception cref="SampleSyntaxException">The name or the expression is not valid.</exception>
    public void Add(string line, RuleContext context)
    {
        var words = RuleToken.Split(line);
        if (words.Count == 0)
        {
            throw new SampleSyntaxException("empty acl line; expected 'NAME fetch [flags] [values…]'");
        }
        string name = words[0].Text;
        if (name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-' or ':')))
        {
            throw new SampleSyntaxException($"'{name}' is not a valid ACL name (letters, digits, '.', '_', '-' and ':')");
        }
        if (words.Count == 1)
        {
            throw new SampleSyntaxException($"acl '{name}': missing the expression after the name");
        }
        var expression = AclMatch.Parse([.. words.Skip(1)], context);
        if (!_declared.TryGetValue(name, out var list))
        {
            _declared[name] = list = [];
        }
        list.Add(expression);
    }

    /// <summary>The expressions of ACL <paramref name="name"/>, declared or predefined.</summary>
    /// <exception cref="SampleSyntaxException">No such ACL.</exception>
    public IReadOnlyList<AclMatch> Find(string name)
    {
        if (_declared.TryGetValue(name, out var declared))
        {
            return declared;
        }
        if (s_predefined.Value.TryGetValue(name, out var predefined))
        {
            return predefined;
        }
        throw new SampleSyntaxException(Refused.TryGetValue(name, out string? reason)
            ? reason
            : $"no such ACL : '{name}' (declare it with acl = [ \"{name} fetch value…\" ] in this frontend)");
    }
}
