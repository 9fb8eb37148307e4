using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Rules;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Tests.Samples;

/// <summary>The content fetches of a TCP connection (payload.c): what they read, and when they say
/// that more data could change their answer (HAProxy's SMP_F_MAY_CHANGE).</summary>
public sealed class PayloadFetchesTests
{
    [Theory]
    [InlineData("req.payload(1,3)", "0102030405", "020304", false)]
    [InlineData("req.payload(3,4)", "0102030405", null, true)]
    [InlineData("req.payload(2,0)", "0102030405", "030405", true)]
    [InlineData("req.payload(0,20000)", "01", null, false)]
    [InlineData("req.payload_lv(0,1)", "03616263", "616263", false)]
    [InlineData("req.payload_lv(0,2)", "0003616263", "616263", false)]
    [InlineData("req.payload_lv(0,1,3)", "02ffff6162", "6162", false)]
    [InlineData("req.payload_lv(0,1,+1)", "02ff6162", "6162", false)]
    [InlineData("req.payload_lv(0,1)", "05616263", null, true)]
    [InlineData("req.payload_lv(0,1)", "00", null, false)]
    public void Payload_ReadsItsBytes_OrSaysMoreMayCome(string expression, string data, string? expected, bool mayChange)
    {
        var (exchange, buffer) = Connection(Convert.FromHexString(data));

        object? sample = SampleExpression.Parse(expression).Evaluate(exchange, null);

        Assert.Equal(expected, sample is byte[] bytes ? Convert.ToHexString(bytes) : null);
        Assert.Equal(mayChange, buffer.MayChange);
    }

    [Fact]
    public void TlsHello_TypeAndServerName_OnceWhole()
    {
        byte[] hello = Convert.FromHexString(
            "16030100" + "3a" + "010000" + "36" + "0303" + new string('0', 64) + "00" + "00021301" + "0100" + "000b" + "0000000700050000026162");
        var (whole, _) = Connection(hello);
        var (part, buffer) = Connection(hello[..20]);

        Assert.Equal(1L, SampleExpression.Parse("req.ssl_hello_type").Evaluate(whole, null));
        Assert.Equal("ab", SampleExpression.Parse("req_ssl_sni").Evaluate(whole, null));
        Assert.Null(SampleExpression.Parse("req.ssl_sni").Evaluate(part, null));
        Assert.True(buffer.MayChange);
        var (text, textBuffer) = Connection("GET / HTTP/1.1\r\n"u8.ToArray());
        Assert.Null(SampleExpression.Parse("req.ssl_hello_type").Evaluate(text, null));
        Assert.False(textBuffer.MayChange);
    }

    [Fact]
    public void TlsHello_Protocols_TheFirstAsASample_EveryOneForAnAcl()
    {
        // A hello whose only extension is ALPN with h2 and http/1.1.
        byte[] hello = Convert.FromHexString(
            "160301" + "0041" + "01" + "00003d" + "0303" + new string('0', 64) + "00" + "00021301" + "0100" + "0012" +
            "0010" + "000e" + "000c" + "026832" + "08" + Convert.ToHexString("http/1.1"u8));
        var (exchange, _) = Connection(hello);

        Assert.Equal("h2", SampleExpression.Parse("req.ssl_alpn").Evaluate(exchange, null));
        Assert.Equal(AclResult.Pass, AclMatch.Parse(RuleToken.Split("req.ssl_alpn http/1.1"), RuleContext.Default with { TcpContent = true }).Test(exchange, null));
        Assert.Null(SampleExpression.Parse("req.ssl_sni").Evaluate(exchange, null));
    }

    [Theory]
    [InlineData("req.ssl_ver 3.3", AclResult.Pass)]
    [InlineData("req_ssl_ver 3.0:3.2", AclResult.Fail)]
    [InlineData("req.ssl_ver 3.1-3.4", AclResult.Pass)]
    [InlineData("req.ssl_ver -m int 196611", AclResult.Pass)]
    [InlineData("req.ssl_st_ext 0", AclResult.Pass)]
    [InlineData("req.ssl_ec_ext", AclResult.Fail)]
    public void TlsHello_VersionAndExtensions_AsHaproxyReadsThem(string acl, AclResult expected)
    {
        byte[] hello = Convert.FromHexString(
            "16030100" + "3a" + "010000" + "36" + "0303" + new string('0', 64) + "00" + "00021301" + "0100" + "000b" + "0000000700050000026162");
        var (exchange, _) = Connection(hello);

        Assert.Equal(expected, AclMatch.Parse(RuleToken.Split(acl), RuleContext.Default with { TcpContent = true }).Test(exchange, null));
        // HAProxy's version number: (major << 16) + minor, 3.3 for TLS 1.2.
        Assert.Equal((3L << 16) + 3, SampleExpression.Parse("req.ssl_ver").Evaluate(exchange, null));
    }

    [Theory]
    [InlineData("req.ssl_ver 3.x", "'3.x' is not a dotted number")]
    [InlineData("req.ssl_ver 3.3:3.1", "'3.3:3.1' is not a valid dotted number range")]
    [InlineData("req.ssl_ver 196611", "'196611' is not a dotted number")]
    public void BadDottedVersions_AreRefusedAsByHaproxy(string acl, string reason)
    {
        Assert.Contains(reason, Assert.Throws<SampleSyntaxException>(() => AclMatch.Parse(RuleToken.Split(acl), RuleContext.Default with { TcpContent = true })).Message);
    }

    [Fact]
    public void OnAnHttpTransaction_NothingIsFound()
    {
        var exchange = new HttpExchange("web", "GET", "/", null, "HTTP/1.1");

        Assert.Null(SampleExpression.Parse("req.payload(0,1)").Evaluate(exchange, null));
        Assert.Null(SampleExpression.Parse("req.ssl_sni").Evaluate(exchange, null));
    }

    [Fact]
    public void WaitEnd_HoldsOnlyOnceTheInspectionIsOver()
    {
        var (exchange, buffer) = Connection([]);
        var acl = AclMatch.Parse(RuleToken.Split("wait_end"), RuleContext.Default);

        Assert.Equal(AclResult.Miss, acl.Test(exchange, null));
        buffer.Final = true;
        Assert.Equal(AclResult.Pass, acl.Test(exchange, null));
    }

    [Theory]
    [InlineData("req.payload_lv(-1,1)", "payload offset1 must be positive")]
    [InlineData("req.payload_lv(0,0)", "payload length must be > 0")]
    [InlineData("req.payload_lv(0,1,x)", "payload offset2 is not a number")]
    [InlineData("req.payload_lv(0,1,-5)", "payload offset2 too negative")]
    public void BadPayloadArguments_AreRefusedAsByHaproxy(string expression, string reason)
    {
        Assert.Contains(reason, Assert.Throws<SampleSyntaxException>(() => SampleExpression.Parse(expression)).Message);
    }

    [Fact]
    public void ReqLen_IsRefusedInHttpRules_AndContentFetchesInConnectionRules()
    {
        Assert.Contains("in mode http HAProxy counts", Assert.Throws<SampleSyntaxException>(() => HttpRuleParser.ParseRequest("deny if { req.len gt 0 }")).Message);
        Assert.Contains("extracts information from 'request contents'", Assert.Throws<SampleSyntaxException>(() =>
            TcpRule.Parse("connection reject if { req.ssl_hello_type 1 }", RuleContext.Default with { TcpContent = true })).Message);
    }

    private static (HttpExchange Exchange, TcpRequestBuffer Buffer) Connection(byte[] data)
    {
        var buffer = new TcpRequestBuffer(16384) { Data = data };
        return (new HttpExchange("tcp-in", "", "", null, "") { RequestBuffer = buffer }, buffer);
    }
}
