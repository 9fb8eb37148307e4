using Akka.Configuration;
using Akka.Dispatch;

namespace ActorProxy.Actors.Dispatch;

/// <summary>
/// Akka's <see cref="PinnedDispatcher"/> (a new dispatcher, so a new thread, for each actor)
/// running on a <see cref="WorkerThreadExecutor"/> instead of Akka's spinning one. Named in
/// HOCON as the worker dispatcher's <c>type</c>.
/// </summary>
public sealed class WorkerDispatcherConfigurator(Config config, IDispatcherPrerequisites prerequisites)
    : MessageDispatcherConfigurator(config, prerequisites)
{
    private readonly ExecutorServiceConfigurator _threads = new WorkerThreads(config, prerequisites);

    /// <inheritdoc/>
    public override MessageDispatcher Dispatcher() => new PinnedDispatcher(this, Config.GetString("id"),
        Config.GetInt("throughput"), Config.GetTimeSpan("throughput-deadline-time").Ticks, _threads,
        Config.GetTimeSpan("shutdown-timeout"));

    private sealed class WorkerThreads(Config config, IDispatcherPrerequisites prerequisites)
        : ExecutorServiceConfigurator(config, prerequisites)
    {
        private int _threads;

        // Numbered, so that each worker's thread is told apart in perf, top and dumps.
        public override ExecutorService Produce(string id) => new WorkerThreadExecutor($"{id}-{Interlocked.Increment(ref _threads)}");
    }
}
