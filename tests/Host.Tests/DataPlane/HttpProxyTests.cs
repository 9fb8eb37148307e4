using System.Net;

namespace ActorProxy.Host.Tests.DataPlane;

public sealed class HttpProxyTests(ProxyFixture proxy) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task LuaActionHeader_ReachesTheBackend()
    {
        string answer = await proxy.Client.GetStringAsync("/items?page=2");

        Assert.StartsWith("GET /items?page=2\n", answer);
        Assert.Contains(TestBackend.Header(answer, "x-worker"), (string[])["1", "2"]);
    }

    [Fact]
    public async Task Request_ReachesTheBackendWithTheClientsHost_AndNoForwardedHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/as-sent");
        request.Headers.Host = "shop.example.org";
        using var response = await proxy.Client.SendAsync(request);
        string answer = await response.Content.ReadAsStringAsync();

        Assert.Equal("shop.example.org", TestBackend.Header(answer, "host"));
        Assert.DoesNotContain("x-forwarded-", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TraceHeaders_PassThroughAsTheClientSentThem()
    {
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/traced");
        request.Headers.Add("traceparent", traceparent);
        using var response = await proxy.Client.SendAsync(request);

        Assert.Equal(traceparent, TestBackend.Header(await response.Content.ReadAsStringAsync(), "traceparent"));
    }

    [Fact]
    public async Task HeaderRules_RemoveAndAddFields_TheBackendSeesTheResult()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/header-rules");
        request.Headers.Add("X-Drop-Me", "1");
        request.Headers.Add("X-Twice", "a");
        request.Headers.Add("X-Kept", "k");
        using var response = await proxy.Client.SendAsync(request);
        string answer = await response.Content.ReadAsStringAsync();

        Assert.Null(TestBackend.Header(answer, "x-drop-me"));
        Assert.Equal("a, b", TestBackend.Header(answer, "x-twice"));
        Assert.Equal("k", TestBackend.Header(answer, "x-kept"));
    }

    [Fact]
    public async Task RulesWithoutLua_RewriteAnswerAndChooseTheBackend()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxy.BuiltinRulesPort}") };

        using var forwarded = await client.GetAsync("/app/items");
        using var answered = await client.GetAsync("/accept");
        using var unrouted = await client.GetAsync("/elsewhere");

        Assert.Equal("/app/items", TestBackend.Header(await forwarded.Content.ReadAsStringAsync(), "x-route"));
        Assert.Equal("GET", forwarded.Headers.GetValues("X-Seen").Single());
        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        Assert.Equal("accepted", await answered.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unrouted.StatusCode);
    }

    [Fact]
    public async Task LuaService_Answers()
    {
        using var response = await proxy.Client.PostAsync("/service", new StringContent("ping"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("echo: ping", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LuaFetchAndConverter_FeedSetHeader()
    {
        string answer = await proxy.Client.GetStringAsync("/shout-me");

        Assert.Equal("/SHOUT-ME!", TestBackend.Header(answer, "x-shout"));
        Assert.True(long.TryParse(TestBackend.Header(answer, "x-id"), out _));
    }

    [Fact]
    public async Task SharedStateCounter_IsExactUnderConcurrentRequestsFromSeveralWorkers()
    {
        const int requests = 200;
        using var gate = new SemaphoreSlim(16);
        var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                return await proxy.Client.GetStringAsync("/count");
            }
            finally
            {
                gate.Release();
            }
        }));

        var ids = answers.Select(a => long.Parse(TestBackend.Header(a, "x-id")!, System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
        Assert.Equal(requests, ids.Distinct().Count());
        Assert.Equal(requests - 1, ids[^1] - ids[0]);
        Assert.Equal(["1", "2"], answers.Select(a => TestBackend.Header(a, "x-worker")).Distinct().Order());
    }

    [Fact]
    public async Task Connection_KeepsItsWorkerForEveryRequest()
    {
        using var client = new HttpClient { BaseAddress = proxy.Client.BaseAddress };
        var workers = new HashSet<string?>();
        for (int i = 0; i < 5; i++)
        {
            workers.Add(TestBackend.Header(await client.GetStringAsync("/same-connection"), "x-worker"));
        }

        Assert.Single(workers);
    }

    [Fact]
    public async Task PrivateValue_IsReleasedWhenItsTransactionEnds()
    {
        // One connection, so one worker: its state sees each transaction end before the next starts.
        using var client = new HttpClient { BaseAddress = proxy.Client.BaseAddress };
        for (int i = 0; i < 3; i++)
        {
            await client.GetStringAsync("/keep");
        }

        Assert.Equal("3", TestBackend.Header(await client.GetStringAsync("/released"), "x-released"));
    }

    [Fact]
    public async Task PerThreadStates_KeepTheirOwnValues()
    {
        var answers = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            // A new connection each time, so that both workers serve some.
            using var client = new HttpClient { BaseAddress = proxy.Client.BaseAddress };
            answers.Add(await client.GetStringAsync("/per-thread"));
        }

        // Each worker counts only what it handled: its counter never repeats and is independent
        // of the other worker's.
        foreach (var byWorker in answers.GroupBy(a => TestBackend.Header(a, "x-worker")))
        {
            var counts = byWorker.Select(a => int.Parse(TestBackend.Header(a, "x-handled")!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(counts.Length, counts.Distinct().Count());
            Assert.Equal(counts.Order(), counts);
        }
        Assert.Equal(2, answers.Select(a => TestBackend.Header(a, "x-worker")).Distinct().Count());
    }

    [Fact]
    public async Task FailingAction_IsLogged_AndTheRequestGoesOn()
    {
        using var response = await proxy.Client.GetAsync("/fail-action");
        string next = await proxy.Client.GetStringAsync("/after");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("GET /after", next);
        string log = await proxy.LogOnceItHoldsAsync("Lua action 'lua.fail'", "action broke");
        Assert.Contains("Lua action 'lua.fail'", log);
        Assert.Contains("action broke", log);
    }

    [Fact]
    public async Task EndlessAction_IsStoppedAtSessionTimeout_AndTheRequestGoesOn()
    {
        using var response = await proxy.Client.GetAsync("/slow-action");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string log = await proxy.LogOnceItHoldsAsync("Lua action 'lua.spin'", "execution timeout");
        Assert.Contains("Lua action 'lua.spin'", log);
        Assert.Contains("execution timeout", log);
    }

    [Fact]
    public async Task FailingFetch_LeavesTheHeaderEmpty_AndTheRequestGoesOn()
    {
        string answer = await proxy.Client.GetStringAsync("/fail-fetch");

        Assert.Equal("", TestBackend.Header(answer, "x-fetch"));
        Assert.Contains("fetch broke", await proxy.LogOnceItHoldsAsync("fetch broke"));
    }

    [Theory]
    [InlineData("/broken-service")]
    [InlineData("/slow-service")]
    public async Task FailingService_Answers500_AndTheNextRequestIsFine(string path)
    {
        using var failed = await proxy.Client.GetAsync(path);
        using var next = await proxy.Client.PostAsync("/service", new StringContent("still here"));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("echo: still here", await next.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SleepingAction_ResumesAndTheRequestGoesOn()
    {
        string answer = await proxy.Client.GetStringAsync("/nap");

        Assert.Equal("yes", TestBackend.Header(answer, "x-napped"));
    }

    [Fact]
    public async Task ServiceUsingASocket_YieldsOnEachWaitAndAnswers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/socket-service");
        request.Headers.Add("X-Backend-Port", proxy.BackendPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var response = await proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("backend said: HTTP/1.1 200 OK", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReturnAndDeny_AnswerWithoutTheBackend()
    {
        using var made = await proxy.Client.GetAsync("/made");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Add("X-Deny", "1");
        using var denied = await proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        Assert.Equal("created", await made.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, denied.StatusCode);
    }

    [Fact]
    public async Task ResponseRules_ChangeTheBackendsResponse()
    {
        using var response = await proxy.Client.GetAsync("/x");

        Assert.Equal("200", Assert.Single(response.Headers.GetValues("X-Status")));
    }

    [Fact]
    public async Task ResponseLuaAction_RunsOnTheResponse()
    {
        using var response = await proxy.Client.GetAsync("/stamped");

        Assert.Matches("^status 200 on [12]$", Assert.Single(response.Headers.GetValues("X-Stamp")));
    }

    [Fact]
    public async Task ActiveHealthCheck_TakesAFailingServerOutOfRotation()
    {
        // Checks run every 200 ms; YARP's policy marks a server down after consecutive failures.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        int healthyInARow = 0;
        while (healthyInARow < 10)
        {
            Assert.True(DateTime.UtcNow < deadline, "the failing server never left the rotation");
            string answer = await proxy.Client.GetStringAsync("/checked");
            healthyInARow = TestBackend.Header(answer, "x-backend") == "main" ? healthyInARow + 1 : 0;
            if (healthyInARow == 0)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task BackendWithoutServers_Answers503()
    {
        using var response = await proxy.Client.GetAsync("/empty");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task RefusingServer_IsRetriedOnAnother()
    {
        using var response = await proxy.Client.GetAsync("/retry/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("GET /retry/x", await response.Content.ReadAsStringAsync());
    }
}
