using System.Text;

namespace ActorProxy.Host.DataPlane;

/// <summary>The one answer ActorProxy writes below Kestrel: HAProxy's 408 for a request head
/// that did not arrive in time, byte for byte as HAProxy 2.6 sends it (http_err_msgs in its
/// src/http.c: a raw message, its field names capitalised, unlike the pages HAProxy renders
/// from its HTX messages).</summary>
internal static class RequestTimeoutPage
{
    /// <summary>The status line, the fields and the page.</summary>
    public static ReadOnlyMemory<byte> Bytes { get; } = Encoding.ASCII.GetBytes(
        "HTTP/1.1 408 Request Time-out\r\n" +
        "Content-length: 110\r\n" +
        "Cache-Control: no-cache\r\n" +
        "Connection: close\r\n" +
        "Content-Type: text/html\r\n" +
        "\r\n" +
        "<html><body><h1>408 Request Time-out</h1>\nYour browser didn't send a complete request in time.\n</body></html>\n");
}
