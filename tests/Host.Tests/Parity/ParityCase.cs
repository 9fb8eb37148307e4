namespace ActorProxy.Host.Tests.Parity;

/// <summary>
/// One behaviour checked against HAProxy 2.6: the lines of a frontend, exactly as in an HAProxy
/// file (<c>acl …</c>, <c>http-request …</c>, <c>http-response …</c>, <c>use_backend …</c>), and
/// the request sent to it. Each case gets a frontend of its own in both proxies.
/// </summary>
/// <param name="Name">What is checked, as the test's name shows it.</param>
/// <param name="Lines">The frontend's lines.</param>
/// <param name="Path">The request's path and query.</param>
/// <param name="Headers">Header fields sent beside <c>Host: parity.test</c>.</param>
/// <param name="Method">The request's method.</param>
/// <param name="Times">How many times the request is sent; the last answer is compared.</param>
/// <param name="NewConnections">True to send each time on a new connection (<c>Connection: close</c>),
/// false to keep one connection.</param>
/// <param name="Expect">Text HAProxy's answer must hold, so that a case whose both answers fail
/// the same way (a Lua error in both) cannot pass unnoticed.</param>
/// <param name="Body">The request's body (form-encoded), or null for none.</param>
/// <param name="Raw">The request as bytes on the wire (it should ask <c>Connection: close</c>), for
/// requests an HTTP client will not send (a broken framing, a control character in a name); null
/// to build it from the other fields.</param>
public sealed record ParityCase(string Name, string[] Lines, string Path = "/", (string Name, string Value)[]? Headers = null, string Method = "GET",
    int Times = 1, bool NewConnections = false, string? Expect = null, string? Body = null, string? Raw = null)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}
