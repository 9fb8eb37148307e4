using System.Globalization;
using System.Text;
using ActorProxy.Actors.Fd;
using ActorProxy.Actors.Node;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Admin;

/// <summary>
/// The admin channel of a node (HAProxy's CLI): answers <see cref="AdminCommand"/>s from admin
/// tools, local or remote. Each command reads from the actors that own the data: the fd
/// supervisor, the Lua states, the pools. Each command has HAProxy's level (<see cref="AdminLevel"/>):
/// a command from another process runs only when its key grants that level, one from inside the
/// node's process always runs.
/// </summary>
public sealed class AdminActor : ReceiveActor
{
    /// <summary>The actor's name under /user.</summary>
    public const string Name = "admin";

    private const string Help = "commands: show info, show cluster, show members, show fd, show lua, show tasks, show pools, show servers state, show stat, " +
        "set server BACKEND/SERVER state ready|drain|maint, set server BACKEND/SERVER addr ADDRESS [port PORT], set server BACKEND/SERVER weight WEIGHT[%], get weight BACKEND/SERVER, disable|enable|shutdown frontend FRONTEND, show map [MAP], add map MAP KEY VALUE, set map MAP KEY|#REF VALUE, del map MAP KEY|#REF, clear map MAP, show acl [ACL], add acl ACL PATTERN, del acl ACL PATTERN|#REF, clear acl ACL, " +
        "flush pools, shutdown session FD, reload (the Lua files), and the Lua commands (core.register_cli)";

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    // The longest show cluster waits for one member.
    private static readonly TimeSpan MemberTimeout = TimeSpan.FromSeconds(2);

    private readonly ProxyNode _node;
    private readonly AdminKeys _keys;
    private readonly ILogger _log;
    private readonly DateTimeOffset _started;

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public AdminActor(ProxyNode node, AdminKeys keys, TimeProvider time, ILogger log)
    {
        _node = node;
        _keys = keys;
        _log = log;
        _started = time.GetUtcNow();
        var clock = time;
        ReceiveAsync<AdminCommand>(async command =>
        {
            var replyTo = Sender;
            string[] words = command.Line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (Refusal(command, words, replyTo) is { } refused)
            {
                replyTo.Tell(refused);
                return;
            }
            if (words is ["reload"])
            {
                // A reload waits for every state to load and pass the check: the channel stays
                // open to other commands meanwhile, and the answer goes when it is over.
                _ = Task.Run(() => ReloadAsync(replyTo));
                return;
            }
            AdminReply reply;
            try
            {
                reply = TableCommands.Handles(words)
                    ? TableCommands.Run(_node.Config.StickTables, words, GrantedLevel(command, replyTo) >= AdminLevel.Operator)
                    : MapCommands.Handles(words)
                        ? MapCommands.Run(_node.Config.Maps, words, command.Payload)
                        : await RunAsync(words, clock);
            }
            catch (Exception e) when (e is AskTimeoutException or TimeoutException)
            {
                reply = new AdminReply(false, $"'{command.Line}': no answer from the node's actors in time\n");
            }
            Answer(replyTo, reply);
        });
        ReceiveAsync<DescribeNode>(async _ =>
        {
            var replyTo = Sender;
            replyTo.Tell(await ShowNodeAsync());
        });
    }

    /// <summary>Props for the admin actor of <paramref name="node"/>, which runs a command from
    /// another process when one of <paramref name="keys"/> grants its level.</summary>
    public static Props Props(ProxyNode node, AdminKeys keys, TimeProvider time, ILogger log) =>
        Akka.Actor.Props.Create(() => new AdminActor(node, keys, time, log));

    // The longest piece of an answer to another process: even with every character escaped in
    // JSON (six bytes at worst), far under akka.remote's 128,000-byte frame.
    private const int PartLength = 16_000;

    // A long answer to another process goes in pieces (AdminReplyPart), cut after a line where
    // it can be, then the reply with the rest; inside the process, whole.
    private static void Answer(IActorRef replyTo, AdminReply reply)
    {
        string text = reply.Text;
        int start = 0;
        if (!replyTo.Path.Address.HasLocalScope)
        {
            while (text.Length - start > PartLength)
            {
                int line = text.LastIndexOf('\n', start + PartLength - 1, PartLength);
                int end = line >= start ? line + 1 : start + PartLength;
                replyTo.Tell(new AdminReplyPart(text[start..end]));
                start = end;
            }
        }
        replyTo.Tell(start == 0 ? reply : reply with { Text = text[start..] });
    }

    // HAProxy's level of each command: show fd is an operator's (as show sess), what changes the
    // node an admin's, the rest (Lua commands too, as HAProxy registers them) a user's.
    private static AdminLevel RequiredLevel(string[] words) => words switch
    {
        ["show", "fd", ..] => AdminLevel.Operator,
        [_, "map" or "acl", ..] and not ["show" or "get", ..] => AdminLevel.Operator,
        // HAProxy lets a user list the tables; what changes them needs an operator.
        ["clear" or "set", "table", ..] => AdminLevel.Operator,
        ["set", ..] or ["flush", ..] or ["shutdown", ..] or ["reload", ..] or ["disable" or "enable", ..] => AdminLevel.Admin,
        _ => AdminLevel.User,
    };

    // Null when the command may run: it comes from this process with no level or one high
    // enough (a stats socket's), or its key grants its level. A refusal answers HAProxy's
    // "Permission denied" and is logged with who asked.
    private AdminReply? Refusal(AdminCommand command, string[] words, IActorRef sender)
    {
        bool local = sender.Path.Address.HasLocalScope;
        if (local && command.Level is null)
        {
            return null;
        }
        var required = RequiredLevel(words);
        var granted = GrantedLevel(command, sender);
        if (granted >= required)
        {
            return null;
        }
        string why = granted is { } level
            ? $"'{command.Line}' needs level {LevelName(required)}, {(local ? "the stats socket" : "the key sent")} has level {LevelName(level)}"
            : command.Key is null ? "no admin key was sent" : "the admin key sent is not one of this node's";
        _log.LogWarning("admin: refused '{Command}' from {Sender}: {Reason}", command.Line, sender.Path.Address, why);
        return new AdminReply(false, $"Permission denied: {why}\n");
    }

    // What the command's sender may do: its stats socket's level, its key's, or everything from inside the process.
    private AdminLevel? GrantedLevel(AdminCommand command, IActorRef sender) =>
        sender.Path.Address.HasLocalScope ? command.Level ?? AdminLevel.Admin : _keys.LevelOf(command.Key);

    private static string LevelName(AdminLevel level) => level.ToString().ToLowerInvariant();

    private Task<AdminReply> RunAsync(string[] words, TimeProvider time) => words switch
    {
        ["show", "info"] => ShowInfoAsync(time),
        ["show", "cluster"] => ShowClusterAsync(),
        ["show", "members"] => Task.FromResult(new AdminReply(true, string.Concat(
            Akka.Cluster.Cluster.Get(_node.System).State.Members.Select(m => m.Address + "\n")))),
        ["show", "fd"] => ShowFdAsync(),
        ["show", "lua"] => ShowLuaAsync(),
        ["show", "tasks"] => ShowTasksAsync(),
        ["show", "pools"] => Task.FromResult(new AdminReply(true, _node.Pools.Dump())),
        ["show", "stat"] => Task.FromResult(new AdminReply(true,
            Runtime.Stats.StatCsv.Render(_node.Config, _node.Stats, _node.LiveStats, _node.ServerStates?.List() ?? []))),
        _ when ServerCommands.Handles(words) => Task.FromResult(ServerCommands.Run(_node.ServerStates, words)),
        _ when FrontendCommands.Handles(words) => Task.FromResult(FrontendCommands.Run(_node.Config, _node.FrontendListeners, words)),
        [_, "acl", ..] when AclCommands.Handles(words) => Task.FromResult(AclCommands.Run(_node.Config.Maps, words)),
        ["flush", "pools"] => FlushPools(),
        ["shutdown", "session", var fd] => ShutdownSessionAsync(fd),
        ["shutdown", "session"] => Task.FromResult(new AdminReply(false, "shutdown session: expected an fd number (see show fd)\n")),
        [] => Task.FromResult(new AdminReply(false, Help + "\n")),
        _ => LuaCliAsync(words) ?? Task.FromResult(new AdminReply(false, $"unknown command '{string.Join(' ', words)}'; {Help}\n")),
    };

    private async Task ReloadAsync(IActorRef replyTo)
    {
        var outcome = await _node.ReloadLuaAsync();
        Answer(replyTo, new AdminReply(outcome.Reloaded, outcome.Describe()));
    }

    private static long s_nextCli;

    // A command registered from Lua (core.register_cli): the longest registered path the words
    // start with. It runs in the state that registered it: the shared one, else worker 1's.
    private Task<AdminReply>? LuaCliAsync(string[] words)
    {
        var command = _node.Engine.Registry.Functions
            .Where(f => f.Kind == Runtime.Lua.LuaFunctionKind.CliKeyword)
            .Select(f => (Function: f, Path: f.Name.Split(' ')))
            .Where(c => c.Path.Length <= words.Length && c.Path.SequenceEqual(words.Take(c.Path.Length)))
            .OrderByDescending(c => c.Path.Length)
            .FirstOrDefault();
        if (command.Function is null)
        {
            return null;
        }
        var runner = _node.LuaRunnerOf(Runtime.Lua.LuaFunctionKind.CliKeyword, command.Function.Name, _node.Workers[0]);
        return RunLuaCliAsync(runner, command.Function.Name, words[command.Path.Length..]);
    }

    private async Task<AdminReply> RunLuaCliAsync(IActorRef runner, string path, string[] arguments)
    {
        var output = System.Threading.Channels.Channel.CreateUnbounded<ReadOnlyMemory<byte>>();
        var relay = Context.ActorOf(Lua.TcpSessionRelay.Props(output.Writer));
        runner.Tell(new Lua.StartLuaCli(path, arguments, Interlocked.Increment(ref s_nextCli)), relay);
        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(_node.Config.Global.Tune.ServiceTimeout + AskTimeout);
        try
        {
            await foreach (var chunk in output.Reader.ReadAllAsync(timeout.Token))
            {
                text.Append(Encoding.UTF8.GetString(chunk.Span));
            }
            return new AdminReply(true, text.ToString());
        }
        catch (Runtime.Lua.LuaScriptException e)
        {
            return new AdminReply(false, $"{path}: {e.Message}\n");
        }
        catch (OperationCanceledException)
        {
            return new AdminReply(false, $"{path}: no answer in time\n");
        }
    }

    private async Task<AdminReply> ShowInfoAsync(TimeProvider time)
    {
        var fds = await Fds();
        var global = _node.Config.Global;
        var text = new StringBuilder()
            .Append("Name: ActorProxy\n")
            .Append(CultureInfo.InvariantCulture, $"Version: {typeof(AdminActor).Assembly.GetName().Version}\n")
            // What SIGHUP is sent to, to reload the Lua files.
            .Append(CultureInfo.InvariantCulture, $"Pid: {Environment.ProcessId}\n")
            .Append(CultureInfo.InvariantCulture, $"Uptime_sec: {(long)(time.GetUtcNow() - _started).TotalSeconds}\n")
            .Append(CultureInfo.InvariantCulture, $"Nbthread: {global.Threads}\n")
            .Append(CultureInfo.InvariantCulture, $"Nbtgroups: {global.ThreadGroups}\n")
            .Append(CultureInfo.InvariantCulture, $"Ulimit-n: {Runtime.Config.ConnectionLimit.FileDescriptorLimit()}\n")
            .Append(CultureInfo.InvariantCulture, $"Maxsock: {global.MaxSock}\n")
            .Append(CultureInfo.InvariantCulture, $"Maxconn: {_node.MaxConn}\n")
            // Client connections, as HAProxy counts them; connections to servers are in show fd.
            .Append(CultureInfo.InvariantCulture, $"CurrConns: {fds.Count(fd => fd.Owner.Kind == "frontend")}\n")
            .Append(CultureInfo.InvariantCulture, $"CumReq: {_node.Requests}\n")
            // The managed heap's side of HAProxy's pool counters: what the request path allocates.
            .Append(CultureInfo.InvariantCulture, $"Allocated_bytes: {GC.GetTotalAllocatedBytes(precise: true)}\n")
            .Append(CultureInfo.InvariantCulture, $"Gc_collections: {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)}\n")
            // Where resident memory goes: the managed heap after the last collection, and all Lua
            // states together (the allocator tune.lua.maxmem bounds).
            .Append(CultureInfo.InvariantCulture, $"Heap_bytes: {GC.GetGCMemoryInfo().HeapSizeBytes}\n")
            // What the GC holds from the system, free space and budgets included: more than the heap.
            .Append(CultureInfo.InvariantCulture, $"Gc_committed_bytes: {GC.GetGCMemoryInfo().TotalCommittedBytes}\n")
            .Append(CultureInfo.InvariantCulture, $"Lua_memory_bytes: {_node.Engine.Allocator.AllocatedBytes}\n")
            .Append(CultureInfo.InvariantCulture, $"Node: {((ExtendedActorSystem)_node.System).Provider.DefaultAddress}\n");
        return new AdminReply(true, text.ToString());
    }

    // show cluster: each member (address, status, roles), the shared state's host, and each
    // member's frontends and connections, asked of its admin actor with a bounded wait, so that a
    // member down or unreachable costs one line, not the answer.
    private async Task<AdminReply> ShowClusterAsync()
    {
        var cluster = Akka.Cluster.Cluster.Get(_node.System);
        var members = cluster.State.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).ToArray();
        var host = cluster.State.Members.Where(m => m.Status == Akka.Cluster.MemberStatus.Up)
            .OrderBy(m => m, Akka.Cluster.Member.AgeOrdering).FirstOrDefault();
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Shared Lua state (singleton) on: {host?.Address.ToString() ?? "(no member is up)"}\n");
        var nodes = members.Select(async member =>
        {
            string detail;
            try
            {
                // This actor is busy with this very command: its own node is described here.
                var answer = member == cluster.SelfMember
                    ? await ShowNodeAsync()
                    : await _node.System.ActorSelection(new RootActorPath(member.Address) / "user" / Name)
                        .Ask<AdminReply>(DescribeNode.Instance, MemberTimeout);
                detail = answer.Text.TrimEnd('\n');
            }
            catch (Exception e) when (e is AskTimeoutException or TimeoutException or ActorNotFoundException)
            {
                detail = $"no answer within {MemberTimeout.TotalSeconds:0} s";
            }
            bool unreachable = cluster.State.Unreachable.Contains(member);
            return $"{member.Address} {member.Status.ToString().ToLowerInvariant()}{(unreachable ? " unreachable" : "")} " +
                $"roles=[{string.Join(",", member.Roles)}]{(member == cluster.SelfMember ? " (this node)" : "")}: {detail}\n";
        });
        foreach (string line in await Task.WhenAll(nodes))
        {
            text.Append(line);
        }
        return new AdminReply(true, text.ToString());
    }

    // This node's part of show cluster: its frontends and their connections.
    private async Task<AdminReply> ShowNodeAsync()
    {
        var fds = await Fds();
        var frontends = _node.Config.Frontends.Select(f => $"{f.Name} {f.Bind} ({fds.Count(e => e.Owner.Kind == "frontend" && e.Owner.Proxy == f.Name)} connections)");
        return new AdminReply(true, $"frontends: {string.Join(", ", frontends.DefaultIfEmpty("none"))}\n");
    }

    private async Task<AdminReply> ShowFdAsync()
    {
        var text = new StringBuilder();
        foreach (var fd in await Fds())
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{fd.Fd,5} : tgid={fd.Tgid} refc={fd.RefCount} thread_mask=0x{fd.ThreadMask:x} owner={fd.Owner.Kind} {fd.Owner.Proxy} peer={fd.Owner.Peer}\n");
        }
        return new AdminReply(true, text.ToString());
    }

    private Task<AdminReply> ShowLuaAsync() => PerStateAsync(state =>
        $"memory={state.MemoryBytes} functions={state.Functions} calls={state.Calls} errors={state.Errors} timeouts={state.Timeouts} " +
        $"generation={state.Generation} draining={state.Draining}");

    private Task<AdminReply> ShowTasksAsync() => PerStateAsync(state => $"tasks={state.Tasks} failed={state.TasksFailed}");

    // One line per Lua state, shared state first; a state whose actor does not answer in time
    // (the shared state's singleton moving between nodes) costs its own line, not the answer.
    private async Task<AdminReply> PerStateAsync(Func<Lua.LuaStateStatus, string> describe)
    {
        var states = _node.Workers.Select((worker, index) => (Id: index + 1, Actor: worker)).Prepend((Id: 0, Actor: _node.SharedLua));
        var lines = await Task.WhenAll(states.Select(async state =>
        {
            try
            {
                var status = await state.Actor.Ask<Lua.LuaStateStatus>(Lua.GetLuaStateStatus.Instance, ProxyNode.StatusTimeout);
                return $"state {status.StateId}: {describe(status)}\n";
            }
            catch (AskTimeoutException)
            {
                return $"state {state.Id}: no answer within {ProxyNode.StatusTimeout.TotalSeconds:0} s\n";
            }
        }));
        return new AdminReply(true, string.Concat(lines));
    }

    private Task<AdminReply> FlushPools()
    {
        _node.Pools.FlushAll();
        return Task.FromResult(new AdminReply(true, "Done.\n"));
    }

    // Closes a connection this actor does not own: through a lease, as any other party must.
    private async Task<AdminReply> ShutdownSessionAsync(string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int fd))
        {
            return new AdminReply(false, $"shutdown session: '{text}' is not an fd number\n");
        }
        var entry = (await Fds()).FirstOrDefault(e => e.Fd == fd);
        if (entry is null)
        {
            return new AdminReply(false, $"shutdown session: no connection on fd {fd}\n");
        }
        var done = new TaskCompletionSource<AdminReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        Context.ActorOf(SessionCloser.Props(_node.FdSupervisor, fd, entry.Tgid, done));
        return await done.Task.WaitAsync(AskTimeout);
    }

    private async Task<IReadOnlyList<FdInfo>> Fds() =>
        (await _node.FdSupervisor.Ask<FdTableSnapshot>(GetFdTable.Instance, AskTimeout)).Entries;
}
