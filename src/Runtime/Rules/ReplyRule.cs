using System.Text;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Rules;

/// <summary>
/// <c>return</c> and <c>deny</c> (HAProxy's <c>http_reply</c>): a status, and either HAProxy's
/// error page for it or a body (<c>string</c>, <c>lf-string</c>) with its content type and
/// <c>hdr NAME FMT</c> fields. The transaction is answered and its rules stop.
/// </summary>
public sealed class ReplyRule(int status, string? contentType, LogFormat? body, IReadOnlyList<(string Name, LogFormat Value)> headers, bool errorPage, bool deny)
    : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        // A deny is the proxy refusing (P), a return the proxy answering (L), as HAProxy logs them.
        exchange.Ended = new Logging.Termination(deny ? 'P' : 'L', exchange.InResponse ? 'H' : 'R');
        if (deny && !exchange.InResponse)
        {
            // A denied request is the client's error for its stick counters (http_req_get_intercept_rule's deny).
            exchange.Tracked?.CountError();
        }
        if (errorPage)
        {
            exchange.Reply = HttpReply.ErrorPage(status);
            return RuleOutcome.Stop;
        }
        var reply = new HttpReply(status);
        foreach (var (name, value) in headers)
        {
            reply.Headers.Add(name, value.Render(exchange, lua));
        }
        if (body is not null)
        {
            reply.Headers.Set("content-type", contentType!);
            reply.Body.Write(Encoding.UTF8.GetBytes(body.Render(exchange, lua)));
        }
        exchange.Reply = reply;
        return RuleOutcome.Stop;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SampleExpression> Samples() =>
        SamplesOf([body, .. headers.Select(h => h.Value)]);
}

/// <summary>Which kind of <c>redirect</c>.</summary>
public enum RedirectKind
{
    /// <summary><c>location FMT</c>: the location as given.</summary>
    Location,

    /// <summary><c>prefix FMT</c>: the prefix, then the request's path and query.</summary>
    Prefix,

    /// <summary><c>scheme FMT</c>: the scheme, "://", the first Host value, the path and query.</summary>
    Scheme,
}

/// <summary><c>redirect location|prefix|scheme FMT [code N] [drop-query] [append-slash]
/// [ignore-empty] [set-cookie NAME[=V]] [clear-cookie NAME[=]]</c>, as HAProxy's
/// <c>http_apply_redirect_rule</c> builds the answer.</summary>
public sealed class RedirectRule(RedirectKind kind, LogFormat? destination, int code, bool dropQuery, bool appendSlash, bool ignoreEmpty, string? cookie)
    : HttpRule
{
    /// <inheritdoc/>
    protected override RuleOutcome Execute(HttpExchange exchange, ILuaActions lua)
    {
        var location = new StringBuilder();
        string path = dropQuery ? exchange.Path : exchange.Url;
        if (path.Length == 0 || path == "*")
        {
            path = "/";
        }
        switch (kind)
        {
            case RedirectKind.Location:
                string text = destination!.Render(exchange, lua);
                if (text.Length == 0 && ignoreEmpty)
                {
                    return RuleOutcome.Continue;
                }
                location.Append(text);
                break;
            case RedirectKind.Prefix:
                // "prefix /" adds nothing: a redirection to the same URL.
                location.Append(destination?.Render(exchange, lua)).Append(path);
                break;
            default:
                location.Append(destination!.Render(exchange, lua)).Append("://")
                    .Append(exchange.RequestHeaders.GetValues("host").FirstOrDefault() ?? "").Append(path);
                break;
        }
        if (kind != RedirectKind.Location && appendSlash && location.Length > 0 && location[^1] != '/')
        {
            location.Append('/');
        }
        var reply = new HttpReply(code) { Reason = Reason(code) };
        reply.Headers.Add("content-length", "0");
        reply.Headers.Add("location", location.ToString());
        if (code is 302 or 303 or 307)
        {
            reply.Headers.Add("cache-control", "no-cache");
        }
        if (cookie is not null)
        {
            reply.Headers.Add("set-cookie", cookie);
        }
        exchange.Reply = reply;
        exchange.Ended = new Logging.Termination('L', exchange.InResponse ? 'H' : 'R');
        return RuleOutcome.Stop;
    }

    /// <inheritdoc/>
    protected override IEnumerable<SampleExpression> Samples() => SamplesOf(destination);

    private static string Reason(int code) => code switch
    {
        301 => "Moved Permanently",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        _ => "Found",
    };
}
