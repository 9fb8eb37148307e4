namespace ActorProxy.Host.Tests.CommandLine;

public sealed class CommandLineTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-cli");

    [Fact]
    public async Task Check_DefaultConfig_IsValid()
    {
        var (code, stdout, stderr) = await ActorProxyProcess.RunAsync("check", "-f", Path.Combine(AppContext.BaseDirectory, "hocon/actorproxy.conf"));

        Assert.True(code == 0, stderr);
        Assert.Contains("Configuration file is valid", stdout);
    }

    [Fact]
    public async Task Check_FunctionInBothSharedAndPerThreadStates_FailsNamingIt()
    {
        Write("lua/x.lua", "core.register_action('x', { 'http-req' }, function(txn) end)");
        string config = Write("both.conf", """
            actorproxy.global { threads = 2, lua-load = [ "lua/x.lua" ], lua-load-per-thread = [ "lua/x.lua" ] }
            """);

        var (code, _, stderr) = await ActorProxyProcess.RunAsync("check", "-f", config);

        Assert.NotEqual(0, code);
        Assert.Contains("[ALERT] Lua action 'lua.x' is registered both in the shared state", stderr);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("run")]
    public async Task CheckAndRun_RefuseAnHaproxyLineActorProxyCannotHonour_NamingFileKeyAndText(string command)
    {
        string config = Write("refused.conf", """
            actorproxy.frontends.web {
              bind = "127.0.0.1:1"
              http-request = [ "deny unless { src 127.0.0.0/8 }", "set-header x %[path,crc32(1)]" ]
            }
            """);

        var (code, stdout, stderr) = await ActorProxyProcess.RunAsync(command, "-f", config);

        Assert.NotEqual(0, code);
        Assert.DoesNotContain("ActorProxy running", stdout);
        Assert.Contains($"{config}: actorproxy.frontends.web.http-request[1]: 'set-header x %[path,crc32(1)]': 'crc32': the avalanche flag is not supported", stderr);
        Assert.DoesNotContain("http-request[0]", stderr);
    }

    [Fact]
    public async Task Run_WhenNoSeedNodeAnswers_ExitsWithTheReason()
    {
        int seed = DataPlane.TestBackend.FreePort();
        string config = Write("lonely.conf", $$"""
            akka.cluster {
              seed-nodes = [ "akka.ssl.tcp://actorproxy@127.0.0.1:{{seed}}" ]
              shutdown-after-unsuccessful-join-seed-nodes = 3s
            }
            actorproxy.frontends.web { bind = "127.0.0.1:{{DataPlane.TestBackend.FreePort()}}", http-request = [ "return status 200" ] }
            """);

        var (code, stdout, stderr) = await ActorProxyProcess.RunAsync("run", "-f", config);

        Assert.Equal(1, code);
        Assert.DoesNotContain("ActorProxy running", stdout);
        Assert.Contains($"[ALERT] could not join the cluster through akka.cluster.seed-nodes (akka.ssl.tcp://actorproxy@127.0.0.1:{seed}) within 3 s", stderr);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("run")]
    public async Task ASeedNodeOnAkkasPlainScheme_FailsNamingIt(string command)
    {
        string config = Write($"plain-seed-{command}.conf", """
            akka.cluster.seed-nodes = [ "akka.tcp://actorproxy@127.0.0.1:9101" ]
            """);

        var (code, stdout, stderr) = await ActorProxyProcess.RunAsync(command, "-f", config);

        Assert.Equal(1, code);
        Assert.DoesNotContain("ActorProxy running", stdout);
        Assert.Contains($"{config}: akka.cluster.seed-nodes: 'akka.tcp://actorproxy@127.0.0.1:9101' is not a member's address: members speak TLS, so a seed is akka.ssl.tcp://actorproxy@HOST:PORT", stderr);
    }

    [Fact]
    public async Task Check_FunctionOnlyInThreadOne_FailsNamingIt()
    {
        Write("lua/x.lua", "if core.thread == 1 then core.register_fetches('x', function(txn) return 1 end) end");
        string config = Write("partial.conf", """
            actorproxy.global { threads = 2, lua-load-per-thread = [ "lua/x.lua" ] }
            """);

        var (code, _, stderr) = await ActorProxyProcess.RunAsync("check", "-f", config);

        Assert.NotEqual(0, code);
        Assert.Contains("[ALERT] Lua sample-fetch 'lua.x' is registered in thread state(s) 1 but not in 2", stderr);
    }

    [Fact]
    public async Task Check_BadConfiguration_ListsEachErrorWithFileAndKey()
    {
        string config = Write("bad.conf", """
            actorproxy.global { threads = many, lua-load = [ "lua/none.lua" ], tune.lua.maxmem = lots }
            """);

        var (code, _, stderr) = await ActorProxyProcess.RunAsync("check", "-f", config);

        Assert.NotEqual(0, code);
        Assert.Contains($"[ALERT] {config}: actorproxy.global.threads: expected an integer, got 'many'.", stderr);
        Assert.Contains($"[ALERT] {config}: actorproxy.global.tune.lua.maxmem: expected a size in bytes", stderr);
        Assert.Contains($"[ALERT] {config}: actorproxy.global.lua-load: Lua file 'lua/none.lua' not found", stderr);
    }

    [Fact]
    public async Task Check_MissingConfigurationFile_FailsNamingIt()
    {
        string missing = Path.Combine(_directory.FullName, "absent.conf");

        var (code, _, stderr) = await ActorProxyProcess.RunAsync("check", "-f", missing);

        Assert.NotEqual(0, code);
        Assert.Contains($"[ALERT] {missing}: cannot read the configuration", stderr);
    }

    [Fact]
    public async Task Run_DefaultConfig_ServesItsLuaPageAndProxiedRoute_UntilInterrupted()
    {
        using var proxy = ActorProxyProcess.Start();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        await proxy.WaitForOutputAsync("ActorProxy running");
        await proxy.WaitForOutputAsync("[lua state 1] worker 1 ready");
        await proxy.WaitForOutputAsync("[lua state 2] worker 2 ready");
        await proxy.WaitForOutputAsync("[lua state 0] shared state ready");
        string hello = await client.GetStringAsync(new Uri("http://127.0.0.1:8080/hello"));
        string proxied = await client.GetStringAsync(new Uri("http://127.0.0.1:8080/app/anything?x=1"));
        string metrics = await client.GetStringAsync(new Uri("http://127.0.0.1:8405/metrics"));
        proxy.Interrupt();
        int code = await proxy.WaitForExitAsync();

        Assert.True(code == 0, proxy.Stderr);
        Assert.Contains("ActorProxy stopped", proxy.Stdout);
        Assert.StartsWith("Hello from ActorProxy's shared Lua state", hello);
        Assert.Matches(@"^origin: GET /app/anything\?x=1 worker=[12] request-id=\d+\n$", proxied);
        // The stats frontend's exporter: the two requests, the one proxied to origin.
        var scraped = Metrics.PrometheusText.Parse(metrics);
        Assert.Equal(2, scraped.Samples["haproxy_frontend_http_requests_total{proxy=\"web\"}"]);
        Assert.Equal(1, scraped.Samples["haproxy_backend_http_responses_total{code=\"2xx\",proxy=\"origin\"}"]);
        Assert.Equal(1, scraped.Samples["haproxy_server_status{proxy=\"origin\",server=\"o1\",state=\"UP\"}"]);
    }

    [Fact]
    public async Task Check_RuleUsingAnUnregisteredLuaFunction_FailsNamingIt()
    {
        string config = Write("missing.conf", """
            actorproxy {
              global.threads = 1
              frontends.fe {
                bind = "127.0.0.1:1"
                http-request = [ "set-header X %[lua.nothere]" ]
                use-backend = [ "api if { lua.route api }" ]
              }
              backends.api { servers { a = "127.0.0.1:1" } }
            }
            """);

        var (code, _, stderr) = await ActorProxyProcess.RunAsync("check", "-f", config);

        Assert.NotEqual(0, code);
        Assert.Contains("frontend 'fe': http-request 'set-header X %[lua.nothere]': no Lua sample-fetch 'lua.nothere' is registered", stderr);
        Assert.Contains("frontend 'fe': use-backend 'api': no Lua sample-fetch 'lua.route' is registered", stderr);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
