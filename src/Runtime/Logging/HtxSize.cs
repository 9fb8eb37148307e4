namespace ActorProxy.Runtime.Logging;

/// <summary>
/// The size HAProxy 2.6 counts for an HTTP message in <c>%B</c> and <c>%U</c>: not the bytes on
/// the wire but its HTX form's (the internal message it forwards) — the start line's block
/// (<see cref="StartLineBlock"/> bytes and its three words), each header field's name and value,
/// the body's data (a chunked body without its framing), and one byte for the end of the
/// trailers of a chunked message. Measured against HAProxy 2.6's logs: "GET /a?b=1 HTTP/1.1"
/// with three fields of 22 bytes logs %U=60.
/// </summary>
public static class HtxSize
{
    /// <summary>The start line's block beside its words (sizeof(struct htx_sl) and its block).</summary>
    public const int StartLineBlock = 21;

    /// <summary>The size of a message with the start line <paramref name="first"/>, <paramref name="second"/>,
    /// <paramref name="third"/> (method, URI, version; or version, status, reason).</summary>
    public static long Of(string first, string second, string third, IEnumerable<KeyValuePair<string, string>> fields, long body, bool chunked)
    {
        long fieldsSize = 0;
        foreach (var (name, value) in fields)
        {
            fieldsSize += name.Length + value.Length;
        }
        return Of(first.Length + second.Length + third.Length, fieldsSize, body, chunked);
    }

    /// <summary>The size of a message whose start line's three words make <paramref name="words"/>
    /// characters and whose fields' names and values make <paramref name="fields"/>.</summary>
    public static long Of(int words, long fields, long body, bool chunked) => StartLineBlock + words + fields + body + (chunked ? 1 : 0);
}
