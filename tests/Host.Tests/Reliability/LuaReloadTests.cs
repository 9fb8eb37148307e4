using System.Globalization;
using System.Net;
using ActorProxy.Host.Tests.DataPlane;
using ActorProxy.Host.Tests.StatsSocket;

namespace ActorProxy.Host.Tests.Reliability;

/// <summary>Issue #13, point 7: the Lua files reloaded in a running node — by <c>reload</c> on the
/// stats socket, <c>actorproxy admin reload</c> and SIGHUP — while clients keep sending requests:
/// none fails, new requests see the new files, and a file that fails leaves the old ones serving.</summary>
public sealed class LuaReloadTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-reload");
    private readonly int _httpPort = TestBackend.FreePort();
    private readonly int _remotePort = TestBackend.FreePort();
    private TestBackend _backend = null!;
    private ActorProxyProcess _proxy = null!;

    private string Socket => $"UNIX-CONNECT:{Path.Combine(_directory.FullName, "admin.sock")}";

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        WriteScripts(1);
        string config = Path.Combine(_directory.FullName, "reload.conf");
        File.WriteAllText(config, $$"""
            akka.remote.dot-netty.tcp.port = {{_remotePort}}
            actorproxy {
              global {
                threads = 2
                lua-load = [ "shared.lua" ]
                lua-load-per-thread = [ "tag.lua" ]
                stats-socket = "admin.sock level admin"
              }
              frontends.web {
                bind = "127.0.0.1:{{_httpPort}}"
                http-request = [ "lua.tag", "lua.stag" ]
                default-backend = app
              }
              backends.app.servers { s1 = "127.0.0.1:{{_backend.Port}}" }
            }
            """);
        _proxy = ActorProxyProcess.Start("run", "-f", config);
        await _proxy.WaitForOutputAsync("ActorProxy running");
    }

    // Version N of the files: each tags the request it forwards with N, the per-thread one after
    // holding /slow for a while, so that a reload finds transactions in flight.
    private void WriteScripts(int version, string? brokenTag = null)
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "tag.lua"), brokenTag ?? $$"""
            core.register_action("tag", { "http-req" }, function(txn)
              if txn.sf:path() == "/slow" then core.msleep(150) end
              txn.http:req_set_header("x-version", "{{version}}")
            end)
            core.register_task(function() while true do core.msleep(20) end end)
            """);
        File.WriteAllText(Path.Combine(_directory.FullName, "shared.lua"), $$"""
            core.register_action("stag", { "http-req" }, function(txn)
              txn.http:req_set_header("x-shared", "{{version}}")
            end)
            """);
    }

    [Fact]
    public async Task ReloadsUnderLoad_NoRequestFails_AndEachClientMovesToTheNewFilesForGood()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clients = Enumerable.Range(0, 4).Select(i => RunClientAsync(i % 2 == 0 ? "/" : "/slow", keepAlive: i < 3, stop.Token)).ToArray();
        await Task.WhenAll(clients.Select(c => c.Started));

        int inFlight = 0;
        for (int version = 2; version <= 4; version++)
        {
            WriteScripts(version);
            string answer = await Socat.RunAsync("reload\n", Socket);
            Assert.StartsWith($"Lua reloaded: generation {version} serves new work (shared and thread states)", answer);
            inFlight += int.Parse(System.Text.RegularExpressions.Regex.Match(answer, @"finishes its (\d+) transaction").Groups[1].Value, CultureInfo.InvariantCulture);
            // Every client has a request answered by the new files before the next reload.
            await Task.WhenAll(clients.Select(c => c.WaitForVersionAsync(version, stop.Token)));
        }
        stop.Cancel();
        var runs = await Task.WhenAll(clients.Select(c => c.Run));

        // The /slow client is almost always inside its Lua: the reloads found work in flight.
        Assert.True(inFlight > 0, "no reload found a transaction in flight");
        Assert.All(runs, run =>
        {
            Assert.Empty(run.Failures);
            Assert.True(run.Versions.Count > 3, $"only {run.Versions.Count} requests");
            // Sequential requests of one client never go back to older files.
            Assert.Equal(run.Versions.Order(), run.Versions);
            Assert.Equal(4, run.Versions[^1]);
        });
        string lua = await AwaitAnswerAsync("show lua", "draining=0", 3);
        Assert.All(lua.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Contains("generation=4 draining=0", line));
        Assert.Matches(@"state 1: tasks=1 failed=0\nstate 2: tasks=1 failed=0", await Socat.RunAsync("show tasks\n", Socket));
        string log = await _proxy.OutputOnceItHoldsAsync("Lua reload: generation 3 drained");
        Assert.Contains("Lua reload: loading generation 2 beside generation 1", log);
        Assert.Contains("Lua reload: generation 2 loaded and checked", log);
    }

    [Fact]
    public async Task ReloadOfABrokenFile_AnswersTheError_AndTheOldFilesGoOnServing()
    {
        WriteScripts(2, brokenTag: "core.register_action(\"tag\", { \"http-req\" }, function(txn)\n  txn:oops(\nend)\n");

        string answer = await Socat.RunAsync("reload\n", Socket);
        using var client = new HttpClient();
        string page = await client.GetStringAsync($"http://127.0.0.1:{_httpPort}/");

        Assert.StartsWith("Lua reload failed; generation 1 goes on serving:\n", answer);
        Assert.Contains("lua-load-per-thread 'tag.lua' (thread 1):", answer);
        Assert.Contains("tag.lua:3:", answer);
        Assert.Contains("x-version: 1\n", page);
        Assert.Contains("x-shared: 1\n", page);
        Assert.Contains("Lua reload failed; generation 1 goes on serving", await _proxy.OutputOnceItHoldsAsync("Lua reload failed"));
        Assert.Contains("generation=1 draining=0", await Socat.RunAsync("show lua\n", Socket));

        WriteScripts(3);
        Assert.StartsWith("Lua reloaded: generation 3", await Socat.RunAsync("reload\n", Socket));
        Assert.Contains("x-version: 3\n", await client.GetStringAsync($"http://127.0.0.1:{_httpPort}/"));
    }

    [Fact]
    public async Task AdminReloadAndSighup_ReloadTheFiles()
    {
        using var client = new HttpClient();
        WriteScripts(2);
        var (code, answer, error) = await ActorProxyProcess.RunAsync("admin", "--node", $"127.0.0.1:{_remotePort}", "reload");
        Assert.True(code == 0, error);
        Assert.StartsWith("Lua reloaded: generation 2", answer);
        Assert.Contains("x-version: 2\n", await client.GetStringAsync($"http://127.0.0.1:{_httpPort}/"));

        WriteScripts(3);
        // The process show info names, as an operator finds it.
        string pid = TestBackend.Header(await Socat.RunAsync("show info\n", Socket), "Pid")!;
        Assert.Equal(_proxy.Id.ToString(CultureInfo.InvariantCulture), pid);
        using (var hangup = System.Diagnostics.Process.Start("kill", ["-HUP", pid]))
        {
            await hangup.WaitForExitAsync();
        }
        await _proxy.OutputOnceItHoldsAsync("SIGHUP: Lua reloaded: generation 3");

        Assert.Contains("x-version: 3\n", await client.GetStringAsync($"http://127.0.0.1:{_httpPort}/"));
        Assert.False(_proxy.HasExited);
    }

    // Asks until the answer holds `text` `count` times: a drained generation closes a moment
    // after its last transaction.
    private async Task<string> AwaitAnswerAsync(string command, string text, int count)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            string answer = await Socat.RunAsync(command + "\n", Socket);
            int found = answer.Split(text).Length - 1;
            if (found >= count || limit.IsCancellationRequested)
            {
                return answer;
            }
            await Task.Delay(50, CancellationToken.None);
        }
    }

    private ReloadClient RunClientAsync(string path, bool keepAlive, CancellationToken stop) =>
        new(new Uri($"http://127.0.0.1:{_httpPort}{path}"), keepAlive, stop);

    public async Task DisposeAsync()
    {
        await _proxy.StopAsync();
        await _backend.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    // One client sending requests one after the other until stopped (at most 5,000), recording
    // the version each answer carries, or the failure.
    private sealed class ReloadClient
    {
        private const int MaxRequests = 5_000;
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile int _latest;
        private readonly Lock _lock = new();
        private readonly List<TaskCompletionSource> _waiters = [];

        public ReloadClient(Uri uri, bool keepAlive, CancellationToken stop) => Run = RunAsync(uri, keepAlive, stop);

        public Task Started => _started.Task;

        public Task<(List<int> Versions, List<string> Failures)> Run { get; }

        public async Task WaitForVersionAsync(int version, CancellationToken cancel)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _waiters.Add(reached);
            }
            while (_latest < version)
            {
                await Task.WhenAny(reached.Task, Run).WaitAsync(cancel);
                if (Run.IsCompleted)
                {
                    throw new InvalidOperationException($"the client stopped before it saw version {version}");
                }
                reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (_lock)
                {
                    _waiters.Add(reached);
                }
            }
        }

        private async Task<(List<int>, List<string>)> RunAsync(Uri uri, bool keepAlive, CancellationToken stop)
        {
            await Task.Yield();
            var versions = new List<int>();
            var failures = new List<string>();
            using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = keepAlive ? Timeout.InfiniteTimeSpan : TimeSpan.Zero })
            {
                Timeout = TimeSpan.FromSeconds(10),
            };
            while (!stop.IsCancellationRequested && versions.Count + failures.Count < MaxRequests)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                    request.Headers.ConnectionClose = !keepAlive;
                    using var response = await client.SendAsync(request, CancellationToken.None);
                    string body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    string? version = TestBackend.Header(body, "x-version");
                    string? shared = TestBackend.Header(body, "x-shared");
                    // A transaction calls the shared state of its own generation.
                    if (response.StatusCode != HttpStatusCode.OK || version is null || shared != version)
                    {
                        failures.Add($"{(int)response.StatusCode} x-version={version} x-shared={shared}");
                        continue;
                    }
                    versions.Add(int.Parse(version, CultureInfo.InvariantCulture));
                    _latest = versions[^1];
                }
                catch (HttpRequestException e)
                {
                    failures.Add(e.Message);
                }
                _started.TrySetResult();
                lock (_lock)
                {
                    foreach (var waiter in _waiters)
                    {
                        waiter.TrySetResult();
                    }
                    _waiters.Clear();
                }
            }
            _started.TrySetResult();
            return (versions, failures);
        }
    }
}
