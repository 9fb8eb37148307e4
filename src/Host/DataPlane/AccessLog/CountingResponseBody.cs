using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace ActorProxy.Host.DataPlane.AccessLog;

/// <summary>The response body feature of a logged request: the web server's own, with its stream
/// counted (everything ActorProxy and YARP write goes through it) and nothing else changed.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The counter wraps the web server's body stream, which the server owns and ends.")]
internal sealed class CountingResponseBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    private readonly CountingStream _stream = new(inner.Stream);

    /// <summary>The body's bytes written.</summary>
    public long Count => _stream.Count;

    public Stream Stream => _stream;

    public PipeWriter Writer => inner.Writer;

    public Task CompleteAsync() => inner.CompleteAsync();

    public void DisableBuffering() => inner.DisableBuffering();

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
}
