using System.Buffers;
using ActorProxy.Runtime.Config;
using Microsoft.AspNetCore.Http;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// What HAProxy 2.6 answers with 400 that Kestrel lets through or answers otherwise: a header name
/// that is not an RFC 9110 token (a control character in it), more header fields than <c>tune.http.maxhdr</c> (the first line counted), a head larger than
/// <c>tune.bufsize - tune.maxrewrite</c> (Kestrel's own limits, which answer 431, are set above
/// these). Checked on every request before its rules; a head's raw bytes, which Kestrel has
/// normalised by then, are <see cref="RawRequestHeads"/>'s.
/// </summary>
internal static class RequestStrictness
{
    /// <summary>Why HAProxy would refuse <paramref name="request"/>, or null.</summary>
    public static string? Refusal(HttpRequest request, HttpTune tune)
    {
        // The head as it came: its first line, each field with ": " and CRLF, the empty line.
        long head = request.Method.Length + 1 + (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget?.Length ?? 0) +
            1 + request.Protocol.Length + 2 + 2;
        int fields = 1;
        // One pass over the fields: this runs on every request.
        foreach (var (name, values) in request.Headers)
        {
            if (!IsToken(name))
            {
                return $"header name '{Printable(name)}' is not a token";
            }
            fields += values.Count;
            foreach (string? value in values)
            {
                head += name.Length + 2 + (value?.Length ?? 0) + 2;
            }
        }
        if (fields > tune.MaxHeaders)
        {
            return $"{fields - 1} header fields and the first line are more than tune.http.maxhdr ({tune.MaxHeaders})";
        }
        if (head > tune.MaxRequestHead)
        {
            return $"a request head of {head} bytes does not fit tune.bufsize - tune.maxrewrite ({tune.MaxRequestHead})";
        }
        return null;
    }

    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static bool IsToken(string name) => name.Length > 0 && !name.AsSpan().ContainsAnyExcept(TokenChars);

    // For the log: control characters as \xNN.
    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}
