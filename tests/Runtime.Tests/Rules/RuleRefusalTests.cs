using ActorProxy.Runtime.Rules;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Tests.Rules;

/// <summary>
/// Every HAProxy line ActorProxy cannot carry out exactly is refused when it is parsed, with what
/// and why (issue #10, point 1): this is the list of those refusals, and of plain mistakes.
/// </summary>
public class RuleRefusalTests
{
    [Theory]
    // Rules and actions
    [InlineData("", "empty rule")]
    [InlineData("tarpit", "'tarpit' is not an http-request action ActorProxy supports")]
    [InlineData("set-header X %zz", "no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'")]
    [InlineData("set-header X %Tt", "format variable '%Tt' is only known to ActorProxy in a log-format")]
    [InlineData("set-header X %{+X}ci", "format flag '+X' of '%ci' is not supported by ActorProxy")]
    [InlineData("set-header X %{+Q", "missing '}' after '%{'")]
    [InlineData("set-header X 100%", "truncated line after '%'")]
    [InlineData("redirect location /a%20b", "unexpected variable name near '2' at position 3 line : '/a%20b'. Maybe you want to write a single '%', use the syntax '%%'")]
    [InlineData("set-header X", "set-header: missing a value")]
    [InlineData("set-header X a b", "unexpected 'b'")]
    [InlineData("set-var(x) path", "scope.name")]
    [InlineData("set-var(txn.x,ifnotset) path", "conditions on set-var")]
    [InlineData("deny status 99", "not an HTTP status")]
    [InlineData("deny deny_status 418", "status code '418' not handled by default with 'deny'")]
    [InlineData("deny errorfile /etc/x.http", "'errorfile' payloads are not supported")]
    [InlineData("return content-type text/plain string", "missing <str> after 'string'")]
    [InlineData("return string hi", "a content type must be defined when non-empty payload is configured")]
    [InlineData("return lf-string %[path]", "a content type must be defined with a log-format payload")]
    [InlineData("return content-type text/plain", "ignores content-type without a payload")]
    [InlineData("return status 204 content-type text/plain string x", "No body expected for 204 responses")]
    [InlineData("return content-type text/plain string x hdr content-length 3", "HAProxy ignores this header")]
    [InlineData("return status 200 string x content-type text/plain string y", "'string' already defined")]
    [InlineData("redirect", "redirection type expected")]
    [InlineData("redirect location /x code 305", "unsupported HTTP code '305'")]
    [InlineData("redirect location /x fast", "expects 'code', 'prefix'")]
    [InlineData("del-header x -m dom", "'-m dom' is not supported")]
    [InlineData("replace-header x ( y", "is not a valid regular expression")]
    [InlineData("use-service hello", "expected lua.NAME")]
    [InlineData("set-header X \"unterminated", "unterminated quote")]
    [InlineData("set-header X \\xZZ", "invalid or incomplete '\\x' sequence")]
    // Conditions and ACLs
    [InlineData("deny if", "needs a condition")]
    [InlineData("deny if is_api", "no such ACL : 'is_api'")]
    [InlineData("deny if { path_beg /a", "without its '}'")]
    [InlineData("deny if { path -m like x }", "unknown matching method 'like'")]
    [InlineData("deny if { path_reg ( }", "is not a valid regular expression")]
    [InlineData("deny if { path -x a }", "'-x' is not a valid ACL option")]
    [InlineData("deny if { path -u 3 a } || { path -u 3 b }", "the id is already used")]
    [InlineData("deny if { path -u x a }", "the argument of -u must be an integer")]
    [InlineData("deny if { path -f /no/such/file }", "failed to open pattern file")]
    [InlineData("deny if { var(txn.x) a }", "matching method must be specified first")]
    [InlineData("deny if { src 10.0.0.0/33 }", "not a valid IPv4 or IPv6 address")]
    [InlineData("deny if { src localhost }", "host names in IP patterns are not supported")]
    [InlineData("deny if { src -n 127.1 }", "not a valid IPv4 or IPv6 address")]
    [InlineData("deny if { hdr_val(x) 5:2 }", "not a valid number range")]
    [InlineData("deny if { hdr_val(x) ge ten }", "neither a number nor a supported operator")]
    [InlineData("deny if { req.body -m bin 4 }", "not a hexadecimal block")]
    [InlineData("deny if { req.body abc }", "matching method must be specified first")]
    [InlineData("deny if { status 200 }", "reads the response")]
    [InlineData("deny if { src_beg 10 }", "unknown sample fetch 'src_beg'")]
    // Sample fetches, converters and their arguments
    [InlineData("set-header X %[nope]", "unknown sample fetch 'nope'")]
    [InlineData("set-header X %[path,nope]", "unknown converter 'nope'")]
    [InlineData("set-header X %[path", "missing ']'")]
    [InlineData("set-header X %[hdr(host,x)]", "'hdr': argument 2 'x' is not an integer")]
    [InlineData("set-header X %[hdr(a,1,2)]", "takes at most 2 argument(s)")]
    [InlineData("set-header X %[path(x)]", "'path' does not support any argument")]
    [InlineData("set-header X %[hdr(a]", "missing ')'")]
    [InlineData("set-header X %[int(x)]", "is not an integer")]
    [InlineData("set-header X %[src,ipmask(40)]", "is not an IPv4 mask")]
    [InlineData("set-header X %[path,field(x,/)]", "is not an integer")]
    [InlineData("set-header X %[path,regsub(a,b,x)]", "flags 'x' are not g or i")]
    [InlineData("set-header X %[path,regsub((,b)]", "not a valid regular expression")]
    [InlineData("set-header X %[path,sha2(224)]", "SHA-224 is not supported")]
    [InlineData("set-header X %[path,hmac(sha3,a2V5)]", "unsupported digest 'sha3'")]
    [InlineData("set-header X %[path,url_enc(path)]", "unexpected encode type")]
    [InlineData("set-header X %[path,json(utf16)]", "unknown input code 'utf16'")]
    [InlineData("set-header X %[path,json_query($.a,float)]", "output type 'float' is not 'int'")]
    [InlineData("set-header X %[path,concat(a,b)]", "is not a variable name")]
    [InlineData("set-header X %[path,add(x)]", "is not a variable name")]
    [InlineData("set-header X %[uuid(7)]", "only UUID version 4")]
    [InlineData("set-header X %[path,crc32(1)]", "the avalanche flag is not supported")]
    [InlineData("set-header X %[date(0,h)]", "unit 'h' is not s, ms or us")]
    [InlineData("set-header X %[res.hdr(x)]", "reads the response")]
    public void RequestRule_IsRefused_WithTheReason(string rule, string reason)
    {
        var failure = Assert.Throws<SampleSyntaxException>(() => HttpRuleParser.ParseRequest(rule));

        Assert.Contains(reason, failure.Message);
    }

    [Theory]
    [InlineData("set-path /x", "'set-path' is not an http-response action ActorProxy supports")]
    [InlineData("use-service lua.x", "'use-service' is not an http-response action")]
    [InlineData("redirect prefix /x", "response only supports redirect type 'location'")]
    [InlineData("set-header X %[path]", "reads the request's line or headers")]
    [InlineData("deny if { path /x }", "reads the request's line or headers")]
    [InlineData("set-header X %[req.hdr(host)]", "reads the request's line or headers")]
    [InlineData("set-header X %[hdr_cnt(host)]", "reads the request's line or headers")]
    [InlineData("set-status 1000", "not an HTTP status between 100 and 999")]
    [InlineData("set-status 200 because x", "expected 'set-status N [reason TEXT]'")]
    public void ResponseRule_IsRefused_WithTheReason(string rule, string reason)
    {
        var failure = Assert.Throws<SampleSyntaxException>(() => HttpRuleParser.ParseResponse(rule));

        Assert.Contains(reason, failure.Message);
    }

    [Theory]
    [InlineData("bad/name path x", "not a valid ACL name")]
    [InlineData("a var(txn.x) y", "matching method must be specified first")]
    [InlineData("a path,sha1 -m int 3", "matching method 'int' cannot be used with fetch keyword 'path'")]
    [InlineData("lonely", "missing the expression")]
    [InlineData("a nope x", "unknown sample fetch 'nope'")]
    public void AclLine_IsRefused_WithTheReason(string line, string reason)
    {
        var acls = NamedAcls.Predefined();

        var failure = Assert.Throws<SampleSyntaxException>(() => acls.Add(line, RuleContext.Default with { Acls = acls }));

        Assert.Contains(reason, failure.Message);
    }

    [Fact]
    public void AnAclFilesBadPattern_IsRefused_NamingTheFileAndTheLine()
    {
        string file = Path.Combine(Path.GetTempPath(), $"actorproxy-{Guid.NewGuid():N}.acl");
        File.WriteAllText(file, "10.0.0.0/8\n# a comment\nnot-an-address\n");
        try
        {
            var acls = NamedAcls.Predefined();

            var failure = Assert.Throws<SampleSyntaxException>(() => acls.Add($"bad src -f {file}", RuleContext.Default with { Acls = acls }));

            Assert.StartsWith($"pattern file '{file}' line 3: 'not-an-address'", failure.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("content reject if { path /x }", "reads HTTP")]
    [InlineData("content reject if { hdr(x) y }", "reads HTTP")]
    [InlineData("content reject if METH_GET", "reads HTTP")]
    [InlineData("content reject if HTTP", "reads HTTP")]
    public void TcpRule_IsRefused_WithTheReason(string rule, string reason)
    {
        var failure = Assert.Throws<SampleSyntaxException>(() => TcpRule.Parse(rule));

        Assert.Contains(reason, failure.Message);
    }
}
