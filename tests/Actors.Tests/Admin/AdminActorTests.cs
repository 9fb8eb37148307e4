using ActorProxy.Actors.Admin;
using ActorProxy.Actors.Fd;
using ActorProxy.Actors.Node;
using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorProxy.Actors.Tests.Admin;

public class AdminActorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly LuaScripts _scripts = new();

    public AdminActorTests() : base(ProxyNode.DefaultAkkaConfig)
    {
    }

    [Fact]
    public async Task ShowInfo_DescribesTheNode()
    {
        var node = await StartAsync();

        var reply = Ask(node, "show info");

        Assert.True(reply.Success);
        Assert.Contains("Nbthread: 2\n", reply.Text);
        Assert.Contains("CurrConns: 0\n", reply.Text);
    }

    [Fact]
    public async Task ShowInfo_CountsTheBytesTheProcessAllocated()
    {
        var node = await StartAsync();

        long before = AllocatedBytes(Ask(node, "show info").Text);
        var kept = new List<byte[]>();
        for (int i = 0; i < 8; i++)
        {
            kept.Add(new byte[1 << 20]);
        }
        long after = AllocatedBytes(Ask(node, "show info").Text);

        Assert.True(after - before >= 8 << 20, $"{before} -> {after}");
        GC.KeepAlive(kept);
    }

    [Fact]
    public async Task ShowInfo_SaysWhatTheLuaStatesAndTheManagedHeapHold()
    {
        var node = await ProxyNode.StartAsync(Sys, _scripts.Config(threads: 1, perThread: [_scripts.Write("big.lua", "big = string.rep('x', 4 * 1024 * 1024)")]),
            NullLoggerFactory.Instance);

        string info = Ask(node, "show info").Text;

        Assert.True(Field(info, "Lua_memory_bytes") >= 4 << 20, info);
        Assert.True(Field(info, "Heap_bytes") > 0, info);
        Assert.True(Field(info, "Gc_committed_bytes") >= Field(info, "Heap_bytes") / 2, info);
    }

    private static long AllocatedBytes(string info) => Field(info, "Allocated_bytes");

    private static long Field(string info, string name) =>
        long.Parse(info.Split('\n').Single(line => line.StartsWith(name + ": ", StringComparison.Ordinal))[(name.Length + 2)..],
            System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ShowFdAndShutdownSession_GoThroughTheFdSupervisor()
    {
        var node = await StartAsync();
        var closed = new TaskCompletionSource();
        node.FdSupervisor.Tell(new RegisterConnection(77, new FdOwner("frontend", "web", "127.0.0.1:4000"), 1, 1, () => closed.TrySetResult()));

        var fds = Ask(node, "show fd");
        var shutdown = Ask(node, "shutdown session 77");
        await closed.Task.WaitAsync(Wait);
        var missing = Ask(node, "shutdown session 78");

        Assert.Equal("   77 : tgid=1 refc=0 thread_mask=0x1 owner=frontend web peer=127.0.0.1:4000\n", fds.Text);
        Assert.True(shutdown.Success, shutdown.Text);
        Assert.False(missing.Success);
        Assert.Contains("no connection on fd 78", missing.Text);
    }

    [Fact]
    public async Task ShowLuaAndTasks_ReportEveryState()
    {
        var node = await StartAsync();

        var lua = Ask(node, "show lua");
        var tasks = Ask(node, "show tasks");

        Assert.Matches(@"^state 0: memory=\d+ functions=0 calls=0 errors=0 timeouts=0 generation=1 draining=0\nstate 1: memory=\d+ functions=1 calls=0 errors=0 timeouts=0 generation=1 draining=0\nstate 2: memory=\d+ functions=1 calls=0 errors=0 timeouts=0 generation=1 draining=0\n$", lua.Text);
        Assert.Equal("state 0: tasks=0 failed=0\nstate 1: tasks=0 failed=0\nstate 2: tasks=0 failed=0\n", tasks.Text);
    }

    [Fact]
    public async Task LuaCliCommand_AnswersWithWhatItSent()
    {
        var node = await StartAsync();

        var reply = Ask(node, "say hi there");

        Assert.True(reply.Success, reply.Text);
        Assert.Equal("hi,there from 1\n", reply.Text);
    }

    [Fact]
    public async Task BadCommands_AreRefusedWithTheReason()
    {
        var node = await StartAsync();

        Assert.Contains("unknown command 'show everything'", Ask(node, "show everything").Text);
        Assert.Contains("expected BACKEND/SERVER", Ask(node, "set server x").Text);
        Assert.Contains("is not an fd number", Ask(node, "shutdown session abc").Text);
        Assert.Contains("no listeners running", Ask(node, "show servers state").Text);
        Assert.False(Ask(node, "").Success);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _scripts.Dispose();
        }
    }

    private Task<ProxyNode> StartAsync() =>
        ProxyNode.StartAsync(Sys, _scripts.Config(threads: 2, perThread: [_scripts.Write("cli.lua", """
            core.register_cli({ "say" }, "say words", function(applet, a, b)
              applet:send(a .. "," .. b .. " from " .. core.thread .. "\n")
            end)
            """)]), NullLoggerFactory.Instance);

    private AdminReply Ask(ProxyNode node, string line)
    {
        node.Admin.Tell(new AdminCommand(line), TestActor);
        return ExpectMsg<AdminReply>(Wait);
    }
}
