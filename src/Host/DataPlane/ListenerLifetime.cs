using Microsoft.Extensions.Hosting;

namespace ActorProxy.Host.DataPlane;

/// <summary>
/// The listeners' host lifetime: none of its own. ASP.NET Core's default console lifetime would
/// take SIGINT and SIGTERM for itself; the <c>run</c> command owns them and stops the listeners,
/// then the node, in that order.
/// </summary>
internal sealed class ListenerLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
