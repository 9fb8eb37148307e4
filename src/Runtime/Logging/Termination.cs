namespace ActorProxy.Runtime.Logging;

/// <summary>
/// How a stream ended, as the first two characters of HAProxy's termination state (<c>%ts</c>):
/// who or what ended it (<c>sess_term_cond</c>) and at which step (<c>sess_fin_state</c>).
/// </summary>
/// <param name="Cause"><c>-</c> normal, <c>L</c> answered by the proxy itself, <c>c</c>/<c>C</c>
/// client timeout/abort, <c>s</c>/<c>S</c> server timeout/error, <c>P</c> refused by the proxy
/// (a deny, a bad request), <c>R</c> out of a resource, <c>I</c> internal error, <c>D</c> a server
/// that went down, <c>K</c> killed by an admin.</param>
/// <param name="Phase"><c>-</c> none, <c>R</c> the request, <c>C</c> connecting, <c>H</c> the
/// response's headers, <c>D</c> the data, <c>L</c> the last bytes, <c>Q</c> queued, <c>T</c> tarpit.</param>
public readonly record struct Termination(char Cause, char Phase)
{
    /// <summary>Ended normally: <c>--</c>.</summary>
    public static Termination Normal => new('-', '-');

    /// <summary>Both characters.</summary>
    public override string ToString() => $"{Cause}{Phase}";
}
