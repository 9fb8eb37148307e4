using System.Net;
using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Rules;
using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Runtime.Tests.Rules;

public class TcpRequestRulesTests
{
    private readonly ScriptedActions _lua = new();

    [Fact]
    public void NoRule_RelaysToTheDefaultBackend()
    {
        var rules = Run([], defaultBackend: "app");

        Assert.Equal((TcpRequestOutcome.Relay, "app"), (rules.Outcome, rules.Target));
    }

    [Fact]
    public void NoBackend_Closes()
    {
        var rules = Run(["content accept"], defaultBackend: null);

        Assert.Equal(TcpRequestOutcome.Close, rules.Outcome);
    }

    [Fact]
    public void Reject_ClosesAndStopsTheRules()
    {
        var rules = Run(["connection reject if { src 127.0.0.0/8 }", "content lua.tag"]);

        Assert.Equal(TcpRequestOutcome.Close, rules.Outcome);
        Assert.Empty(_lua.Calls);
    }

    [Fact]
    public void RuleWhoseConditionFails_IsSkipped()
    {
        var rules = Run(["connection reject if { src 10.0.0.0/8 }", "content use-service lua.echo"]);

        Assert.Equal((TcpRequestOutcome.Serve, "echo"), (rules.Outcome, rules.Target));
    }

    [Fact]
    public void Accept_EndsTheRulesBeforeTheNextOnes()
    {
        var rules = Run(["content accept", "content reject"]);

        Assert.Equal((TcpRequestOutcome.Relay, "app"), (rules.Outcome, rules.Target));
    }

    [Theory]
    [InlineData(ActionVerdict.Continue, TcpRequestOutcome.Serve, 2)]
    [InlineData(ActionVerdict.Stop, TcpRequestOutcome.Relay, 1)]
    [InlineData(ActionVerdict.Done, TcpRequestOutcome.Relay, 1)]
    [InlineData(ActionVerdict.Deny, TcpRequestOutcome.Close, 1)]
    [InlineData(ActionVerdict.Abort, TcpRequestOutcome.Close, 1)]
    [InlineData(ActionVerdict.Error, TcpRequestOutcome.Close, 1)]
    public void LuaAction_ItsVerdictDecidesWhatFollows(ActionVerdict verdict, TcpRequestOutcome outcome, int calls)
    {
        _lua.Verdict = verdict;

        var rules = Run(["content lua.first", "content lua.second", "content use-service lua.echo"]);

        Assert.Equal(outcome, rules.Outcome);
        Assert.Equal(calls, _lua.Calls.Count);
    }

    [Fact]
    public void LuaActionThatWaits_StopsTheRunWhichGoesOnWhereItStopped()
    {
        _lua.Waits = 2;
        var rules = new TcpRequestRules(Frontend(["content lua.slow 7", "content lua.next", "content use-service lua.echo"]), Session());

        Assert.False(rules.Continue(_lua));
        Assert.False(rules.Continue(_lua));
        Assert.True(rules.Continue(_lua));

        Assert.Equal(["slow(7)", "next()"], _lua.Calls);
        Assert.Equal((TcpRequestOutcome.Serve, "echo"), (rules.Outcome, rules.Target));
        Assert.Null(rules.Exchange.Suspension);
    }

    [Fact]
    public void AContentRuleThatCannotTellYet_WaitsForData_ThenRunsAgainFromTheFirstContentRule()
    {
        var frontend = Frontend([], "app") with
        {
            TcpRequest = ContentRules("connection accept", "connection reject", "content lua.again", "content accept if { req.len ge 5 }", "content reject"),
        };
        var session = Session();
        session.RequestBuffer = new TcpRequestBuffer(16384) { Data = "he"u8.ToArray() };
        var rules = new TcpRequestRules(frontend, session);

        Assert.True(rules.Continue(_lua));
        Assert.True(rules.WaitsForData);

        session.RequestBuffer.Data = "hello"u8.ToArray();
        rules.GoOnWithData();
        Assert.True(rules.Continue(_lua));

        Assert.False(rules.WaitsForData);
        Assert.Equal((TcpRequestOutcome.Relay, "app"), (rules.Outcome, rules.Target));
        // The connection rules ended at their accept, as HAProxy's; the content rules before the
        // waiting one ran each time.
        Assert.Equal(["again()", "again()"], _lua.Calls);
    }

    [Fact]
    public void OnceTheInspectionIsOver_ARuleThatCouldNotTell_Fails()
    {
        var frontend = Frontend([], "app") with
        {
            TcpRequest = ContentRules("content accept if { req.len ge 5 }", "content reject"),
        };
        var session = Session();
        session.RequestBuffer = new TcpRequestBuffer(16384) { Data = "he"u8.ToArray(), Final = true };
        var rules = new TcpRequestRules(frontend, session);

        Assert.True(rules.Continue(_lua));

        Assert.False(rules.WaitsForData);
        Assert.Equal(TcpRequestOutcome.Close, rules.Outcome);
    }

    // Rules of a mode tcp frontend, which may read the connection's contents.
    private static TcpRule[] ContentRules(params string[] lines) =>
        [.. lines.Select(l => TcpRule.Parse(l, RuleContext.Default with { TcpContent = true }))];

    private TcpRequestRules Run(string[] lines, string? defaultBackend = "app")
    {
        var rules = new TcpRequestRules(Frontend(lines, defaultBackend), Session());
        Assert.True(rules.Continue(_lua));
        return rules;
    }

    private static FrontendSettings Frontend(string[] lines, string? defaultBackend = "app") => new()
    {
        Name = "tcp-in",
        Bind = new IPEndPoint(IPAddress.Loopback, 1),
        Mode = ProxyMode.Tcp,
        TcpRequest = [.. lines.Select(TcpRule.Parse)],
        DefaultBackend = defaultBackend,
    };

    private static HttpExchange Session() => new("tcp-in", "", "", null, "") { ClientAddress = "127.0.0.1", ClientPort = 40000 };

    // Lua actions that record their calls and end with a chosen verdict; the first may wait.
    private sealed class ScriptedActions : ILuaActions
    {
        public List<string> Calls { get; } = [];

        public ActionVerdict Verdict { get; set; }

        public int Waits { get; set; }

        public object? Fetch(string name, HttpExchange exchange, IReadOnlyList<string> arguments) => null;

        public object? Convert(string name, HttpExchange exchange, object input, IReadOnlyList<string> arguments) => null;

        public IWaitingCall? RunAction(LuaFunctionKind kind, string name, HttpExchange exchange, IReadOnlyList<string> arguments)
        {
            Assert.Equal(LuaFunctionKind.TcpRequestAction, kind);
            Calls.Add($"{name}({string.Join(',', arguments)})");
            if (Waits > 0)
            {
                return new WaitingAction(this, exchange);
            }
            exchange.Verdict = Verdict;
            return null;
        }

        public IWaitingCall? RunService(string name, HttpExchange exchange) => throw new InvalidOperationException("tcp-request rules start no service themselves");

        private sealed class WaitingAction(ScriptedActions owner, HttpExchange exchange) : IWaitingCall
        {
            public LuaTaskStep Wait { get; } = new(LuaTaskStepKind.ResumeSoon);

            public bool Resume()
            {
                if (--owner.Waits > 0)
                {
                    return false;
                }
                exchange.Verdict = owner.Verdict;
                return true;
            }
        }
    }
}
