using ActorProxy.Runtime.Lua;

namespace ActorProxy.Runtime.Config;

/// <summary>The <c>actorproxy.global</c> section: HAProxy's <c>global</c> directives.</summary>
public sealed record GlobalSettings
{
    /// <summary><c>nbthread</c>: worker threads, each with its own per-thread Lua state.</summary>
    public int Threads { get; init; } = 1;

    /// <summary><c>maxsock</c>: the largest socket handle the fd table can hold, plus one.</summary>
    public int MaxSock { get; init; } = 65536;

    /// <summary><c>maxconn</c>: the most client connections the node serves at once; beyond it
    /// listeners stop accepting and new connections wait in the system's accept queue. 0 derives
    /// it from the file descriptor limit, as HAProxy does (<see cref="ConnectionLimit"/>).</summary>
    public int MaxConn { get; init; }

    /// <summary><c>thread-groups</c>: how many groups the workers are split into.</summary>
    public int ThreadGroups { get; init; } = 1;

    /// <summary><c>lua-load</c>: files loaded into the shared state, in order.</summary>
    public IReadOnlyList<LuaFile> LuaLoad { get; init; } = [];

    /// <summary><c>lua-load-per-thread</c>: files loaded into every worker's state, in order.</summary>
    public IReadOnlyList<LuaFile> LuaLoadPerThread { get; init; } = [];

    /// <summary><c>lua-prepend-path</c>: search paths put in front of every state's <c>package</c> paths.</summary>
    public IReadOnlyList<LuaPrependPath> LuaPrependPath { get; init; } = [];

    /// <summary>The <c>tune.lua.*</c> settings.</summary>
    public LuaTune Tune { get; init; } = new();

    /// <summary>The <c>tune.bufsize</c>, <c>tune.maxrewrite</c> and <c>tune.http.maxhdr</c> settings.</summary>
    public HttpTune Http { get; init; } = new();

    /// <summary>The global <c>log</c> targets, which <c>log global</c> in a frontend refers to.</summary>
    public IReadOnlyList<Logging.LogTarget> Log { get; init; } = [];

    /// <summary><c>log-tag</c>: the program name in a log line's syslog header.</summary>
    public string LogTag { get; init; } = "actorproxy";

    /// <summary><c>stats socket</c>, or null for none.</summary>
    public StatsSocketSettings? StatsSocket { get; init; }
}
