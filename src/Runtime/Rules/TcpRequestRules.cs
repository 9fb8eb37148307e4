using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Rules;

/// <summary>What a TCP frontend does with a connection once its <c>tcp-request</c> rules are over.</summary>
public enum TcpRequestOutcome
{
    /// <summary>Closed: a <c>reject</c>, a Lua action's deny, or no backend to relay to.</summary>
    Close,

    /// <summary>A Lua service serves it (<c>use-service</c>).</summary>
    Serve,

    /// <summary>Relayed to a server of a backend (<c>use_backend</c>, else <c>default_backend</c>).</summary>
    Relay,
}

/// <summary>
/// A TCP frontend's <c>tcp-request</c> rules on one connection, in order, then its backend
/// choice, as a run that stops where a Lua action yields (or waits for the shared state) and goes
/// on; beside <see cref="FrontendRules"/>, which does the same for HTTP.
/// </summary>
public sealed class TcpRequestRules : IRuleRun
{
    private readonly FrontendSettings _frontend;
    private int _next;
    private bool _restarted;
    private bool _connectionAccepted;

    /// <summary>A run of <paramref name="frontend"/>'s rules on the connection <paramref name="session"/>.</summary>
    public TcpRequestRules(FrontendSettings frontend, HttpExchange session)
    {
        _frontend = frontend;
        Exchange = session;
    }

    /// <inheritdoc/>
    public HttpExchange Exchange { get; }

    /// <inheritdoc/>
    public IWaitingCall? Waiting { get; private set; }

    /// <summary>True when the run stopped at a content rule that cannot tell before more of the
    /// connection's data arrives, or at a Lua action that waits for it: <see cref="GoOnWithData"/>
    /// once it has, or once the inspection is over.</summary>
    public bool WaitsForData { get; private set; }

    /// <summary>Goes on once more data arrived or the inspection is over, as HAProxy does: a Lua
    /// action that waited for data resumes; otherwise the content rules run again from the first
    /// (the connection rules ran once).</summary>
    public void GoOnWithData()
    {
        WaitsForData = false;
        if (Waiting is null)
        {
            _next = 0;
            _restarted = true;
        }
    }

    /// <summary>What the frontend does with the connection, once the run is over.</summary>
    public TcpRequestOutcome Outcome { get; private set; }

    /// <summary>True when a <c>tcp-request connection reject</c> closed the connection: HAProxy
    /// writes no access log line for it.</summary>
    public bool RejectedOnConnection { get; private set; }

    /// <summary>The service (for <see cref="TcpRequestOutcome.Serve"/>) or the backend (for
    /// <see cref="TcpRequestOutcome.Relay"/>).</summary>
    public string? Target { get; private set; }

    /// <inheritdoc/>
    public bool Continue(ILuaActions lua)
    {
        var rules = _frontend.TcpRequest;
        if (Waiting is { } waiting)
        {
            if (!waiting.Resume())
            {
                return StopsForData(waiting);
            }
            Waiting = null;
            if (EndsAfterAction())
            {
                return true;
            }
            _next++;
        }
        for (; _next < rules.Count; _next++)
        {
            var rule = rules[_next];
            // The connection rules run once, until one accepts (tcp_exec_l4_rules).
            if (rule.OnConnection && (_restarted || _connectionAccepted))
            {
                continue;
            }
            var applies = rule.Test(Exchange);
            if (applies == AclResult.Miss)
            {
                // tcp_inspect_request's missing_data: the run stops until more data arrives or
                // the inspection is over, then starts again from the first content rule.
                WaitsForData = true;
                return true;
            }
            if (applies == AclResult.Fail)
            {
                continue;
            }
            switch (rule.Action)
            {
                case TcpRuleAction.LuaAction:
                    if (lua.RunAction(Lua.LuaFunctionKind.TcpRequestAction, rule.Service!, Exchange, rule.Arguments) is { } yielded)
                    {
                        Waiting = yielded;
                        return StopsForData(yielded);
                    }
                    if (EndsAfterAction())
                    {
                        return true;
                    }
                    continue;
                case TcpRuleAction.Track:
                    TrackSession(rule.Track!.Value);
                    continue;
                case TcpRuleAction.Accept when rule.OnConnection:
                    _connectionAccepted = true;
                    continue;
                case TcpRuleAction.Reject:
                    RejectedOnConnection = rule.OnConnection;
                    End(TcpRequestOutcome.Close, null);
                    return true;
                case TcpRuleAction.UseService:
                    End(TcpRequestOutcome.Serve, rule.Service);
                    return true;
            }
            break;
        }
        ChooseBackend();
        return true;
    }

    // A Lua action that waits for the connection's data (a Channel read, HAProxy's ACT_RET_YIELD
    // in tcp_inspect_request) ends this run: the connection's handler reads, then goes on. Any
    // other wait is its worker's to resume.
    private bool StopsForData(IWaitingCall waiting)
    {
        if (waiting.Wait.Kind != Tasks.LuaTaskStepKind.WaitInput)
        {
            return false;
        }
        WaitsForData = true;
        return true;
    }

    // The session tracks the key's entry (tcp_exec_l4_rules / tcp_inspect_request's track-sc):
    // unless the counter already tracks one, or the key makes none, or the table is full.
    private void TrackSession((int Slot, Samples.SampleExpression Key, Stick.StickTable Table) track)
    {
        var (slot, key, table) = track;
        var tracked = Exchange.Tracked ??= new Stick.StickCounters();
        if (tracked.Own(slot) is null && key.Evaluate(Exchange, null) is { } sample &&
            Stick.StickKey.FromSample(sample, table.Settings) is { } text && table.GetOrCreate(text) is { } entry)
        {
            tracked.Track(slot, table, entry);
        }
    }

    // The action's return value (act.*), as HAProxy's tcp-request content rules take it: a deny
    // closes the connection, a stop ends the rules; anything else goes on with the next rule.
    private bool EndsAfterAction()
    {
        switch (Exchange.Verdict)
        {
            case ActionVerdict.Deny or ActionVerdict.Abort or ActionVerdict.Error or ActionVerdict.Invalid:
                End(TcpRequestOutcome.Close, null);
                return true;
            case ActionVerdict.Stop or ActionVerdict.Done:
                ChooseBackend();
                return true;
        }
        return false;
    }

    private void ChooseBackend()
    {
        string? backend = _frontend.UseBackend.FirstOrDefault(s => s.Condition is null || s.Condition.Holds(Exchange, null))?.Backend ?? _frontend.DefaultBackend;
        End(backend is null ? TcpRequestOutcome.Close : TcpRequestOutcome.Relay, backend);
    }

    private void End(TcpRequestOutcome outcome, string? target)
    {
        Outcome = outcome;
        Target = target;
    }
}
