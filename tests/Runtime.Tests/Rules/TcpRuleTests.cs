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
    [InlineData("session reject", "expected 'connection reject|accept'")]
    [InlineData("content reject if { lua.bad }", "Lua fetches in tcp-request conditions are not supported yet")]
    public void BadRules_SayWhatIsWrong(string text, string reason)
    {
        Assert.Contains(reason, Assert.Throws<SampleSyntaxException>(() => TcpRule.Parse(text)).Message);
    }
}
