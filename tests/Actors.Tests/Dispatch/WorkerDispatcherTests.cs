using ActorProxy.Actors.Dispatch;
using ActorProxy.Actors.Lua;
using ActorProxy.Actors.Node;
using Akka.Actor;
using Akka.Dispatch;

namespace ActorProxy.Actors.Tests.Dispatch;

public sealed class WorkerDispatcherTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public WorkerDispatcherTests() : base(ProxyNode.DefaultAkkaConfig)
    {
    }

    [Fact]
    public void ActorsOnTheWorkerDispatcher_EachOwnAThread_ThatEndsWithTheActor()
    {
        var first = Sys.ActorOf(Props.Create(() => new ThreadReporter()).WithDispatcher(LuaWorker.Dispatcher));
        var second = Sys.ActorOf(Props.Create(() => new ThreadReporter()).WithDispatcher(LuaWorker.Dispatcher));

        first.Tell("where");
        var firstThread = ExpectMsg<Thread>(Wait);
        first.Tell("where");
        Assert.Same(firstThread, ExpectMsg<Thread>(Wait));
        second.Tell("where");
        var secondThread = ExpectMsg<Thread>(Wait);

        Assert.NotSame(firstThread, secondThread);
        Assert.StartsWith(LuaWorker.Dispatcher + "-", firstThread.Name);
        Assert.NotEqual(firstThread.Name, secondThread.Name);
        Assert.NotSame(Thread.CurrentThread, firstThread);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first, Wait);
        // The dispatcher shuts its executor down once its one actor is gone (after shutdown-timeout).
        AwaitCondition(() => !firstThread.IsAlive, Wait);
        Assert.True(secondThread.IsAlive);
    }

    [Fact]
    public void Executor_RunsWorkInOrderOnItsThread_FinishesTheQueueOnShutdown_ThenRefuses()
    {
        var executor = new WorkerThreadExecutor("test-worker");
        var ran = new List<int>();
        var threads = new HashSet<int>();
        using var release = new ManualResetEventSlim();
        using var done = new CountdownEvent(100);
        executor.Execute(new Step(() => release.Wait()));
        for (int i = 0; i < 100; i++)
        {
            int n = i;
            executor.Execute(new Step(() =>
            {
                ran.Add(n);
                threads.Add(Environment.CurrentManagedThreadId);
                done.Signal();
            }));
        }

        executor.Shutdown();
        release.Set();

        Assert.True(done.Wait(Wait));
        Assert.Equal(Enumerable.Range(0, 100), ran);
        Assert.Single(threads);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, threads);
        Assert.Throws<RejectedExecutionException>(() => executor.Execute(new Step(() => { })));
    }

    private sealed class Step(Action action) : IRunnable
    {
        public void Run() => action();

        public void Execute() => action();
    }

    private sealed class ThreadReporter : ReceiveActor
    {
        public ThreadReporter() => Receive<string>(_ => Sender.Tell(Thread.CurrentThread));
    }
}
