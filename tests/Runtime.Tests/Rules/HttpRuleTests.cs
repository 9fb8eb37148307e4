using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Lua.Api;
using ActorProxy.Runtime.Rules;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Tests.Rules;

public class HttpRuleTests
{
    private readonly RecordingLua _lua = new();

    [Fact]
    public void SetHeader_WithSamplesAndConverters()
    {
        var exchange = Request("/api/x", ("Host", "Example.ORG"));

        Run("set-header X-Host %[hdr(host),lower]-%[path]", exchange);

        Assert.Equal("example.org-/api/x", exchange.RequestHeaders.GetLast("x-host"));
    }

    [Theory]
    [InlineData("set-header X-Hit 1 if { path_beg /api }", "/api/users", true)]
    [InlineData("set-header X-Hit 1 if { path_beg /api }", "/web", false)]
    [InlineData("set-header X-Hit 1 unless { path_beg /api }", "/web", true)]
    [InlineData("set-header X-Hit 1 if { path_end .png .jpg }", "/a.jpg", true)]
    [InlineData("set-header X-Hit 1 if { path -m sub min }", "/admin/x", true)]
    [InlineData("set-header X-Hit 1 if { path_reg ^/v[0-9]+/ }", "/v2/x", true)]
    [InlineData("set-header X-Hit 1 if { hdr(host) -i example.org }", "/", true)]
    [InlineData("set-header X-Hit 1 if { hdr_beg(host) EXAMPLE }", "/", false)]
    [InlineData("set-header X-Hit 1 if { method GET } { path /exact }", "/exact", true)]
    [InlineData("set-header X-Hit 1 if { method POST } || { path /exact }", "/exact", true)]
    [InlineData("set-header X-Hit 1 if ! { method POST }", "/", true)]
    [InlineData("set-header X-Hit 1 if { hdr(x-missing) -m found }", "/", false)]
    public void Conditions_DecideWhetherTheRuleRuns(string rule, string path, bool expected)
    {
        var exchange = Request(path, ("host", "example.org"));

        Run(rule, exchange);

        Assert.Equal(expected, exchange.RequestHeaders.GetLast("x-hit") is not null);
    }

    [Fact]
    public void LuaAction_WithArgumentsAndCondition()
    {
        Run("lua.tag a b if { path_beg /api }", Request("/api"));
        Run("lua.tag c if { path_beg /api }", Request("/other"));

        Assert.Equal(["tag(a,b)"], _lua.Calls);
    }

    [Fact]
    public void Return_StopsWithStatusTypeAndBody()
    {
        var exchange = Request("/");

        var outcome = HttpRuleParser.ParseRequest("return status 418 content-type text/plain string \"I'm a teapot %[path]\"").Run(exchange, _lua);

        Assert.Equal(RuleOutcome.Stop, outcome);
        Assert.Equal(418, exchange.Reply!.Status);
        Assert.Equal("I'm a teapot %[path]", System.Text.Encoding.UTF8.GetString(exchange.Reply.Body.ToArray()));
    }

    [Fact]
    public void ReturnLfString_RendersSamples()
    {
        var exchange = Request("/here");

        HttpRuleParser.ParseRequest("return status 200 content-type text/plain lf-string \"at %[path]\"").Run(exchange, _lua);

        Assert.Equal("at /here", System.Text.Encoding.UTF8.GetString(exchange.Reply!.Body.ToArray()));
    }

    [Fact]
    public void Deny_DefaultsTo403()
    {
        var exchange = Request("/");

        Assert.Equal(RuleOutcome.Stop, HttpRuleParser.ParseRequest("deny").Run(exchange, _lua));
        Assert.Equal(403, exchange.Reply!.Status);
        Assert.Equal(429, Reply("deny status 429").Status);
    }

    [Fact]
    public void SetVar_ThenVarFetch()
    {
        var exchange = Request("/x");

        Run("set-var(txn.p) path", exchange);
        Run("set-header X-P %[var(txn.p)]", exchange);
        Run("unset-var(txn.p)", exchange);

        Assert.Equal("/x", exchange.RequestHeaders.GetLast("x-p"));
        Assert.Empty(exchange.Variables.Local);
    }

    [Fact]
    public void UseService_StopsWithTheServiceReply()
    {
        var exchange = Request("/hello");

        Assert.Equal(RuleOutcome.Stop, HttpRuleParser.ParseRequest("use-service lua.hello if { path_beg /hello }").Run(exchange, _lua));
        Assert.Equal(200, exchange.Reply!.Status);
        Assert.Equal(["service hello"], _lua.Calls);
    }

    [Fact]
    public void LuaFetchAndConverter_FeedAHeader()
    {
        var exchange = Request("/");

        Run("set-header X-Id %[lua.id,lua.wrap]", exchange);

        Assert.Equal("[id-1]", exchange.RequestHeaders.GetLast("x-id"));
    }

    [Fact]
    public void LuaFunctions_ListsWhatTheRuleNeeds()
    {
        var rule = HttpRuleParser.ParseRequest("set-header X %[lua.id,lua.wrap] if { lua.ok }");

        Assert.Equal(
            [(LuaFunctionKind.SampleFetch, "ok"), (LuaFunctionKind.SampleFetch, "id"), (LuaFunctionKind.Converter, "wrap")],
            rule.LuaFunctions());
    }

    [Fact]
    public void ResponseRules_ActOnTheResponse()
    {
        var exchange = Request("/");
        exchange.Status = 200;

        HttpRuleParser.ParseResponse("set-header X-Served-By actorproxy").Run(exchange, _lua);
        HttpRuleParser.ParseResponse("set-status 203 if { status 200 }").Run(exchange, _lua);

        Assert.Equal("actorproxy", exchange.ResponseHeaders.GetLast("x-served-by"));
        Assert.Equal(203, exchange.Status);
    }

    private void Run(string rule, HttpExchange exchange) => HttpRuleParser.ParseRequest(rule).Run(exchange, _lua);

    private HttpReply Reply(string rule)
    {
        var exchange = Request("/");
        HttpRuleParser.ParseRequest(rule).Run(exchange, _lua);
        return exchange.Reply!;
    }

    private static HttpExchange Request(string path, params (string Name, string Value)[] headers)
    {
        var exchange = new HttpExchange("fe", "GET", path, null, "HTTP/1.1") { ClientAddress = "127.0.0.1" };
        foreach (var (name, value) in headers)
        {
            exchange.RequestHeaders.Add(name, value);
        }
        return exchange;
    }

    private sealed class RecordingLua : ILuaActions
    {
        public List<string> Calls { get; } = [];

        public object? Fetch(string name, HttpExchange exchange, IReadOnlyList<string> arguments) => $"{name}-1";

        public object? Convert(string name, HttpExchange exchange, object input, IReadOnlyList<string> arguments) => $"[{input}]";

        public IWaitingCall? RunAction(LuaFunctionKind kind, string name, HttpExchange exchange, IReadOnlyList<string> arguments)
        {
            Calls.Add($"{name}({string.Join(',', arguments)})");
            return null;
        }

        public IWaitingCall? RunService(string name, HttpExchange exchange)
        {
            Calls.Add($"service {name}");
            exchange.Reply = new HttpReply(200);
            return null;
        }
    }
}
