using Akka.Dispatch;

namespace ActorProxy.Actors.Dispatch;

/// <summary>
/// One OS thread that runs what its dispatcher gives it, in order, and sleeps while there is
/// nothing: the thread of one Lua worker.
/// </summary>
/// <remarks>
/// Akka's own pinned executor (a one-thread <c>DedicatedThreadPool</c>) spins with
/// <c>sched_yield</c> before it sleeps. On a proxy with as many workers as cores, that spin takes
/// the core away from the I/O threads that would hand the worker its next request: it was 7% of
/// the process's CPU in the per-thread Lua action benchmark (issue #6). Here an idle worker
/// sleeps on a monitor at once, and one that has work never takes a lock but to dequeue.
/// </remarks>
public sealed class WorkerThreadExecutor : ExecutorService
{
    private readonly Queue<IRunnable> _work = new();
    private readonly object _gate = new();
    private bool _idle;
    private bool _stopping;

    /// <summary>Starts the thread, named <paramref name="id"/>.</summary>
    public WorkerThreadExecutor(string id) : base(id)
    {
        new Thread(Run) { Name = id, IsBackground = true }.Start();
    }

    /// <summary>Queues <paramref name="run"/> for the thread; wakes it if it sleeps.</summary>
    public override void Execute(IRunnable run)
    {
        lock (_gate)
        {
            if (_stopping)
            {
                throw new RejectedExecutionException($"Worker thread {Id} is shut down.");
            }
            _work.Enqueue(run);
            if (_idle)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>Lets the thread finish what is queued, then end.</summary>
    public override void Shutdown()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }
    }

    private void Run()
    {
        while (Next() is { } run)
        {
            // Akka's mailbox catches what an actor throws; nothing else runs here.
            run.Run();
        }
    }

    // The next piece of work, or null once shut down with nothing left.
    private IRunnable? Next()
    {
        lock (_gate)
        {
            while (_work.Count == 0)
            {
                if (_stopping)
                {
                    return null;
                }
                _idle = true;
                Monitor.Wait(_gate);
                _idle = false;
            }
            return _work.Dequeue();
        }
    }
}
