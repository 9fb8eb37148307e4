using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// What a frontend does to a transaction, in HAProxy's order, as a run that can stop and go on:
/// <c>http-request</c> rules until one answers, then the backend choice (<c>use-backend</c>, else
/// <c>default-backend</c>); or the <c>http-response</c> rules on the backend's response. A Lua
/// action or service that yields suspends the run; the owner resumes it with <see cref="Continue"/>.
/// </summary>
public sealed class FrontendRules : IRuleRun
{
    private readonly FrontendSettings _frontend;
    private readonly IReadOnlyList<HttpRule> _rules;
    private readonly bool _response;
    private int _next;
    private bool _sampleWaits;

    /// <summary>A run of <paramref name="frontend"/>'s request (or response) rules on <paramref name="exchange"/>.</summary>
    public FrontendRules(FrontendSettings frontend, HttpExchange exchange, bool response)
    {
        _frontend = frontend;
        _rules = response ? frontend.HttpResponse : frontend.HttpRequest;
        _response = response;
        Exchange = exchange;
        if (response)
        {
            exchange.Variables.BeginResponse();
        }
    }

    /// <inheritdoc/>
    public HttpExchange Exchange { get; }

    /// <inheritdoc/>
    public IWaitingCall? Waiting { get; private set; }

    /// <inheritdoc/>
    public bool Continue(ILuaActions lua)
    {
        if (Waiting is { } waiting)
        {
            if (!waiting.Resume())
            {
                return false;
            }
            Waiting = null;
            if (_sampleWaits)
            {
                // The answer is in the replay: the rule (or the backend choice) runs again.
                _sampleWaits = false;
                Exchange.Replay.Rewind();
            }
            else
            {
                switch (_rules[_next] is LuaActionRule action ? action.Outcome(Exchange) : RuleOutcome.Stop)
                {
                    case RuleOutcome.Stop:
                        return true;
                    case RuleOutcome.Allow:
                        return Finish(lua);
                }
                _next++;
            }
        }
        try
        {
            for (; _next < _rules.Count; _next++)
            {
                var outcome = _rules[_next].Run(Exchange, lua);
                Exchange.Replay.Clear();
                if (outcome == RuleOutcome.Suspended)
                {
                    // The rule left its wait on the transaction; the run keeps it.
                    Waiting = Exchange.Suspension;
                    Exchange.Suspension = null;
                    return false;
                }
                if (outcome == RuleOutcome.Stop)
                {
                    return true;
                }
                if (outcome == RuleOutcome.Allow)
                {
                    _next = _rules.Count;
                    break;
                }
            }
            return Finish(lua);
        }
        catch (SampleMustWaitException e)
        {
            Waiting = e.Wait;
            _sampleWaits = true;
            return false;
        }
    }

    // The rules are over: a request goes on with its backend.
    private bool Finish(ILuaActions lua)
    {
        if (!_response)
        {
            ChooseBackend(lua);
        }
        return true;
    }

    private void ChooseBackend(ILuaActions lua)
    {
        foreach (var backendSwitch in _frontend.UseBackend)
        {
            if (backendSwitch.Condition is null || backendSwitch.Condition.Holds(Exchange, lua))
            {
                // A dynamic name that is no backend: no other rule, the default backend (HAProxy's).
                string? name = backendSwitch.Format is { } format ? format.Render(Exchange, lua) : backendSwitch.Backend;
                Exchange.Backend = backendSwitch.Format is null || _frontend.Backends.Contains(name) ? name : _frontend.DefaultBackend;
                Exchange.Replay.Clear();
                return;
            }
        }
        Exchange.Backend = _frontend.DefaultBackend;
        Exchange.Replay.Clear();
    }
}
