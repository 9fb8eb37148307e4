using System.Text;
using ActorProxy.Runtime.Http;

namespace ActorProxy.Host.DataPlane;

/// <summary>An <see cref="HttpReply"/> as HTTP/1.1 bytes on the wire, for the one answer ActorProxy
/// writes below Kestrel: the 408 of a request head that did not arrive in time.</summary>
internal static class HttpReplyBytes
{
    public static byte[] Of(HttpReply reply)
    {
        var head = new StringBuilder()
            .Append("HTTP/1.1 ").Append(reply.Status).Append(' ').Append(reply.Reason ?? HttpReasons.Of(reply.Status)).Append("\r\n")
            .Append("content-length: ").Append(reply.Body.Length).Append("\r\n");
        foreach (var (name, value) in reply.Headers.Fields)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. reply.Body.GetBuffer().AsSpan(0, (int)reply.Body.Length)];
    }
}
