using System.Net;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Rules;

namespace ActorProxy.Runtime.Tests.Config;

public class FrontendSettingsTests
{
    [Theory]
    [InlineData("lua.tag")]
    [InlineData("use-service lua.hello")]
    [InlineData("set-header X-Id %[lua.id]")]
    [InlineData("set-header X-Path %[path,lua.shout]")]
    [InlineData("deny if { lua.blocked -m found }")]
    public void RequestUsesLua_WhenARequestRuleCallsLua(string rule) =>
        Assert.True(Frontend(request: [rule]).RequestUsesLua);

    [Fact]
    public void UsesLua_WhenAResponseRuleOrABackendConditionCallsLua()
    {
        Assert.True(Frontend(response: ["set-header X-S %[lua.stamp]"]).ResponseUsesLua);
        var (_, condition) = HttpRuleParser.SplitCondition("api if { lua.route api }", RuleContext.Default);
        Assert.True(Frontend(useBackend: new BackendSwitch("api", condition)).RequestUsesLua);
    }

    [Fact]
    public void UsesNoLua_WithBuiltInRulesOnly() =>
        Assert.True(Frontend(
            request: ["set-header X-Route %[path]", "return status 200 if { path /ok }", "deny if { hdr(x-deny) -m found }"],
            response: ["set-header X-Status %[status]"]) is { RequestUsesLua: false, ResponseUsesLua: false });

    [Fact]
    public void ResponseRulesWithoutLua_RunWithoutTheWorker_WhenOnlyRequestRulesCallLua()
    {
        var frontend = Frontend(request: ["lua.tag"], response: ["set-header X-Status %[status]"]);

        Assert.True(frontend.RequestUsesLua);
        Assert.False(frontend.ResponseUsesLua);
    }

    [Fact]
    public void RequestRulesWithoutLua_RunWithoutTheWorker_WhenOnlyResponseRulesCallLua()
    {
        var frontend = Frontend(request: ["set-header X-A b"], response: ["lua.stamp"]);

        Assert.False(frontend.RequestUsesLua);
        Assert.True(frontend.ResponseUsesLua);
    }

    [Fact]
    public void ReadsBody_WhenARuleReadsTheBody_OrWithHttpBufferRequest()
    {
        Assert.True(Frontend(request: ["set-header X-B %[req.body_len]"]).ReadsBody);
        Assert.True(Frontend(request: ["deny if { req.body_param(a) -m str 1 }"]).ReadsBody);
        Assert.True((Frontend() with { BufferRequest = true }).ReadsBody);
        Assert.False(Frontend(request: ["set-header X-B %[path]"]).ReadsBody);
    }

    private static FrontendSettings Frontend(string[]? request = null, string[]? response = null, BackendSwitch? useBackend = null) => new()
    {
        Name = "web",
        Bind = new IPEndPoint(IPAddress.Loopback, 8080),
        HttpRequest = [.. (request ?? []).Select(HttpRuleParser.ParseRequest)],
        HttpResponse = [.. (response ?? []).Select(HttpRuleParser.ParseResponse)],
        UseBackend = useBackend is null ? [] : [useBackend],
    };
}
