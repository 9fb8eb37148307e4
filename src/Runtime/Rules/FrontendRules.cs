using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// What a frontend does to a transaction, in HAProxy's order: <c>http-request</c> rules until one
/// answers, then the backend choice (<c>use-backend</c>, else <c>default-backend</c>); later the
/// <c>http-response</c> rules on the backend's response.
/// </summary>
public static class FrontendRules
{
    /// <summary>Runs the request rules and, unless they answered, chooses the backend.</summary>
    public static void RunRequest(FrontendSettings frontend, HttpExchange exchange, ILuaActions lua)
    {
        foreach (var rule in frontend.HttpRequest)
        {
            if (rule.Run(exchange, lua) == RuleOutcome.Stop)
            {
                return;
            }
        }
        foreach (var backendSwitch in frontend.UseBackend)
        {
            if (backendSwitch.Condition is null || backendSwitch.Condition.Holds(exchange, lua))
            {
                exchange.Backend = backendSwitch.Backend;
                return;
            }
        }
        exchange.Backend = frontend.DefaultBackend;
    }

    /// <summary>Runs the response rules on the response in <paramref name="exchange"/>.</summary>
    public static void RunResponse(FrontendSettings frontend, HttpExchange exchange, ILuaActions lua)
    {
        foreach (var rule in frontend.HttpResponse)
        {
            if (rule.Run(exchange, lua) == RuleOutcome.Stop)
            {
                return;
            }
        }
    }
}
