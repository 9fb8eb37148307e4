using System.Net;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>A body of zeros made as it is sent, so the test holds none of it either.</summary>
internal sealed class ZeroContent(long size) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        byte[] chunk = new byte[64 * 1024];
        for (long sent = 0; sent < size; sent += chunk.Length)
        {
            await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, size - sent)));
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = size;
        return true;
    }
}
