using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Rules;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Tests.Rules;

public class TcpRuleTests
{
    [Theory]
    [InlineData("connection reject", TcpRuleAction.Reject, null)]
    [InlineData("content accept", TcpRuleAction.Accept, null)]
    [InlineData("content use-service lua.echo", TcpRuleAction.UseService, "echo")]
    [InlineData("content lua.greet hello world", TcpRuleAction.LuaAction, "greet")]
    public void Parse_ReadsHaproxySyntax(string text, TcpRuleAction action, string? name)
    {
        var rule = TcpRule.Parse(text);

        Assert.Equal(action, rule.Action);
        Assert.Equal(name, rule.Service);
    }

    [Fact]
    public void LuaAction_KeepsItsArguments()
    {
        Assert.Equal(["hello", "world"], TcpRule.Parse("content lua.greet hello world").Arguments);
    }

    [Fact]
    public void Condition_OnTheSourceAddress()
    {
        var rule = TcpRule.Parse("connection reject if { src 10.0.0.1 }");

        Assert.True(rule.Applies(new HttpExchange("fe", "", "", null, "") { ClientAddress = "10.0.0.1" }));
        Assert.False(rule.Applies(new HttpExchange("fe", "", "", null, "") { ClientAddress = "127.0.0.1" }));
    }

    [Theory]
    [InlineData("content use-service echo", "expected lua.NAME")]
    [InlineData("session reject", "expected 'connection reject|accept|track-sc0|1|2'")]
    [InlineData("content reject if { lua.bad }", "Lua fetches in tcp-request conditions are not supported yet")]
    public void BadRules_SayWhatIsWrong(string text, string reason)
    {
        Assert.Contains(reason, Assert.Throws<SampleSyntaxException>(() => TcpRule.Parse(text)).Message);
    }

    [Fact]
    public void TrackSc_NamesTheCounterTheKeyAndTheTable()
    {
        var rule = TcpRule.Parse("connection track-sc1 src table per_ip", WithTable("per_ip"));

        Assert.Equal(TcpRuleAction.Track, rule.Action);
        Assert.Equal(1, rule.Track!.Value.Slot);
        Assert.Equal("per_ip", rule.Track.Value.Table.Settings.Name);
    }

    [Theory]
    [InlineData("content track-sc0", "track-sc0: missing a sample expression")]
    [InlineData("content track-sc0 req.hdr(host) table per_ip", "reads HTTP or calls Lua")]
    [InlineData("content track-sc2 src tabel per_ip", "unexpected 'tabel'")]
    [InlineData("connection track-sc0 src table nowhere", "track-sc0:")]
    public void BadTracking_SaysWhatIsWrong(string text, string reason)
    {
        Assert.Contains(reason, Assert.Throws<SampleSyntaxException>(() => TcpRule.Parse(text, WithTable("per_ip"))).Message);
    }

    private static RuleContext WithTable(string name)
    {
        var tables = new Runtime.Stick.StickTables();
        tables.Add(Runtime.Stick.StickTableSettings.Parse(name, "type ip size 10 store conn_cur"), TimeProvider.System);
        return RuleContext.Default with { Tables = tables };
    }
}
