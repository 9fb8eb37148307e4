namespace ActorProxy.Runtime.Config;

/// <summary><c>capture request header NAME len N</c> or <c>capture response header NAME len N</c>
/// of a frontend: the field's last value, cut at <paramref name="Length"/> characters, goes in
/// the access log's <c>%hr</c> or <c>%hs</c> (and <c>capture.req.hdr(i)</c>).</summary>
public sealed record HeaderCapture(string Name, int Length)
{
    /// <summary>Reads what follows <c>capture</c>; returns whether it is a request capture.
    /// Throws <see cref="FormatException"/> with HAProxy's words.</summary>
    public static (bool Request, HeaderCapture Capture) Parse(string text)
    {
        string[] words = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words is ["cookie", ..])
        {
            throw new FormatException("'capture cookie' is not supported by ActorProxy (it sets no persistence cookie); capture the Cookie header with 'capture request header Cookie len N'");
        }
        if (words is not [("request" or "response") and var direction, "header", var name, "len", var length] ||
            !int.TryParse(length, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int len) || len <= 0)
        {
            throw new FormatException(words is [("request" or "response") and var side, ..]
                ? $"'capture {side} header' expects <header name> 'len' <length>"
                : "'capture' expects 'cookie', 'request header' or 'response header'");
        }
        return (direction == "request", new HeaderCapture(name, len));
    }

    /// <summary>The value captured from a field's <paramref name="value"/>.</summary>
    public string Cut(string value) => value.Length <= Length ? value : value[..Length];
}
