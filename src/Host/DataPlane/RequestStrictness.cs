using Microsoft.AspNetCore.Http;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// What HAProxy 2.6's HTTP/1 parser answers with 400 that Kestrel lets through: a header name
/// that is not an RFC 9110 token (a control character in it), and a Content-Length that is not
/// digits (Kestrel reads <c>+5</c> as 5). Checked on every request before its rules.
/// </summary>
internal static class RequestStrictness
{
    /// <summary>Why HAProxy would refuse <paramref name="request"/>, or null.</summary>
    public static string? Refusal(HttpRequest request)
    {
        foreach (var (name, values) in request.Headers)
        {
            if (!IsToken(name))
            {
                return $"header name '{Printable(name)}' is not a token";
            }
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                foreach (string? value in values)
                {
                    if (!IsDigits((value ?? "").AsSpan().Trim(" \t")))
                    {
                        return $"Content-Length '{Printable(value ?? "")}' is not a number";
                    }
                }
            }
        }
        return null;
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');

    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    private static bool IsToken(string name)
    {
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }
        return name.Length > 0;
    }

    // For the log: control characters as \xNN.
    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}
