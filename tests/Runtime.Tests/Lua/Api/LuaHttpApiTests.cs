using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Tasks;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Runtime.Tests.Lua.Api;

public sealed class LuaHttpApiTests : IDisposable
{
    private readonly CapturingLogger _log = new();
    private readonly LuaScriptEngine _lua;

    public LuaHttpApiTests()
    {
        _lua = new LuaScriptEngine(new LuaTune { SessionTimeout = TimeSpan.FromMilliseconds(300), ServiceTimeout = TimeSpan.FromMilliseconds(300) }, _log);
    }

    [Fact]
    public void Action_ReadsAndChangesTheRequest()
    {
        var lua = Load("""
            core.register_action("tag", { "http-req" }, function(txn, suffix)
              local host = txn.http:req_get_headers()["host"][0]
              txn.http:req_set_header("x-tag", host .. "-" .. suffix)
              txn.http:req_del_header("x-remove")
              txn.http:req_set_path("/v2" .. txn.sf:path())
              txn:set_var("txn.seen", 1)
            end, 1)
            """);
        var exchange = Request("/items", ("host", "example.org"), ("x-remove", "1"));

        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "tag", exchange, ["a"]);

        Assert.Equal("example.org-a", exchange.RequestHeaders.GetLast("x-tag"));
        Assert.Null(exchange.RequestHeaders.GetLast("x-remove"));
        Assert.Equal("/v2/items", exchange.Path);
        Assert.Equal(1L, exchange.Variables["txn.seen"]);
    }

    [Fact]
    public void HeadersTable_KeepsRepeatedValuesIndexedFromZero()
    {
        var lua = Load("""
            core.register_fetches("second_cookie", function(txn)
              local h = txn.http:req_get_headers()
              return h["cookie"][1] .. "/" .. #h["cookie"]
            end)
            """);
        var exchange = Request("/", ("Cookie", "a=1"), ("Cookie", "b=2"));

        Assert.Equal("b=2/1", lua.Http.Fetch("second_cookie", exchange, []));
    }

    [Fact]
    public void FetchAndConverter_ReturnSamples()
    {
        var lua = Load("""
            core.register_fetches("id", function(txn, prefix) return prefix .. txn.f:method() end)
            core.register_converters("shout", function(s) return s:upper() .. "!" end)
            """);
        var exchange = Request("/");

        Assert.Equal("req-GET", lua.Http.Fetch("id", exchange, ["req-"]));
        Assert.Equal("HI!", lua.Http.Convert("shout", exchange, "hi", []));
    }

    [Fact]
    public void FailingAction_IsLogged_AndTheRequestGoesOn()
    {
        var lua = Load("core.register_action('boom', { 'http-req' }, function(txn) error('kaput') end)");
        var exchange = Request("/");

        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "boom", exchange, []);

        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Lua action 'lua.boom' (state 1): runtime error: test.lua:1: kaput"));
        Assert.Equal((1, 1, 0), lua.Http.Counters);
    }

    [Fact]
    public void SetLogLevel_SetsTheLevelOfItsTransactionsLines()
    {
        var lua = Load("""
            core.register_action('quiet', { 'http-req' }, function(txn) txn:set_loglevel(core.debug) end)
            core.register_action('boom', { 'http-req' }, function(txn) error('kaput') end)
            """);
        var quiet = Request("/");
        var other = Request("/");

        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "quiet", quiet, []);
        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "boom", quiet, []);
        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "boom", other, []);

        Assert.Equal([LogLevel.Debug, LogLevel.Error], _log.Entries.Where(e => e.Message.Contains("kaput")).Select(e => e.Level));
    }

    [Fact]
    public void Deflog_LogsAtTheTransactionsLevel_EmergUntilOneIsSet()
    {
        var lua = Load("""
            core.register_action('plain', { 'http-req' }, function(txn) txn:deflog('first') end)
            core.register_action('set', { 'http-req' }, function(txn) txn:set_loglevel(core.notice) txn:deflog('second') end)
            """);

        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "plain", Request("/"), []);
        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "set", Request("/"), []);

        Assert.Equal([(LogLevel.Critical, "first"), (LogLevel.Information, "second")],
            _log.Entries.Where(e => e.Message.EndsWith("] first") || e.Message.EndsWith("] second")).Select(e => (e.Level, e.Message[(e.Message.IndexOf("] ") + 2)..])));
    }

    [Fact]
    public void WhatATransactionHasNoUseFor_RaisesItsReason_AndATcpContentChannelIsTheConnectionsBuffer()
    {
        var lua = Load("""
            local function reason(f, ...) local _, e = pcall(f, ...) return (tostring(e):gsub("^.-:%d+: ", "")) end
            core.register_action('refused', { 'http-req' }, function(txn)
              results = { reason(txn.set_tos, txn, 8), reason(txn.set_priority_class, txn, 1), reason(CertCache.set, {}),
                reason(txn.req.input, txn.req), reason(txn.res.get, txn.res) }
            end)
            core.register_action('content', { 'tcp-req' }, function(txn) tcp_result = txn.req:get() .. "|" .. reason(txn.res.get, txn.res) end)
            """);

        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "refused", Request("/"), []);
        var connection = Request("/");
        connection.RequestBuffer = new TcpRequestBuffer(16384) { Data = "abc"u8.ToArray() };
        lua.Http.RunAction(LuaFunctionKind.TcpRequestAction, "content", connection, []);

        lua.State.Execute("""
            assert(results[1] == "TXN.set_tos is not implemented by ActorProxy: the client connection's packets keep the system's TOS", results[1])
            assert(results[2] == "TXN.set_priority_class is not implemented by ActorProxy: a backend's queue takes requests in arrival order, without priorities", results[2])
            assert(results[3]:find("CertCache.set is not implemented by ActorProxy", 1, true), results[3])
            assert(results[4] == "Channel.input is not implemented by ActorProxy: an HTTP transaction has no HAProxy buffer to measure", results[4])
            assert(results[5] == "Cannot manipulate HAProxy channels in HTTP mode.", results[5])
            assert(tcp_result == "abc|Channel.get is not implemented by ActorProxy: the response channel of a tcp-request content rule is not there (ActorProxy has no tcp-response rules)", tcp_result)
            """);
        Assert.Empty(connection.RequestBuffer.Data);
    }

    [Fact]
    public void ATcpContentReadThatNeedsMoreData_WaitsForIt_ThenGoesOn()
    {
        var lua = Load("core.register_action('line', { 'tcp-req' }, function(txn) got = txn.req:getline() end)");
        var connection = Request("/");
        connection.RequestBuffer = new TcpRequestBuffer(16384) { Data = "hel"u8.ToArray() };

        var waiting = lua.Http.RunAction(LuaFunctionKind.TcpRequestAction, "line", connection, []);

        Assert.Equal(LuaTaskStepKind.WaitInput, Assert.IsType<Runtime.Lua.Api.LuaSuspendedCall>(waiting).Wait.Kind);
        connection.RequestBuffer.Data = "hello\nworld"u8.ToArray();
        Assert.True(waiting.Resume());
        lua.State.Execute("assert(got == 'hello\\n', got)");
        Assert.Equal("world"u8.ToArray(), connection.RequestBuffer.Data);
    }

    [Fact]
    public void ATcpContentReadThatWouldWait_IsRefusedInTheSharedState_AndOnceTheInspectionIsOverReturnsWhatThereIs()
    {
        var shared = _lua.Load("core.register_action('line', { 'tcp-req' }, function(txn) got = txn.req:getline() end)", 0);
        var connection = Request("/");
        connection.RequestBuffer = new TcpRequestBuffer(16384) { Data = "hel"u8.ToArray() };

        Assert.Null(shared.Http.RunAction(LuaFunctionKind.TcpRequestAction, "line", connection, []));
        Assert.Contains(_log.Entries, e => e.Message.Contains("a Channel read that waits for more data is not supported in the shared state (lua-load)"));

        connection.RequestBuffer.Final = true;
        Assert.Null(shared.Http.RunAction(LuaFunctionKind.TcpRequestAction, "line", connection, []));
        shared.State.Execute("assert(got == 'hel', got)");
    }

    [Fact]
    public void EndlessFetch_IsStoppedAtSessionTimeout()
    {
        var lua = Load("core.register_fetches('spin', function(txn) while true do end end)");

        Assert.Null(lua.Http.Fetch("spin", Request("/"), []));
        Assert.Contains(_log.Entries, e => e.Message.Contains("sample-fetch 'lua.spin' (state 1): execution timeout"));
        // A failure, and a timeout (actorproxy_lua_timeouts_total).
        Assert.Equal((1, 1, 1), lua.Http.Counters);
    }

    [Fact]
    public void Service_AnswersWithStatusHeadersAndBody()
    {
        var lua = Load("""
            core.register_service("hello", "http", function(applet)
              local body = "hello " .. applet.path .. " " .. applet:receive()
              applet:set_status(201)
              applet:add_header("content-type", "text/plain")
              applet:add_header("content-length", #body)
              applet:start_response()
              applet:send(body)
            end)
            """);
        var exchange = Request("/greet");
        exchange.RequestBody = "from body"u8.ToArray();

        Assert.Null(lua.Http.RunService("hello", exchange));
        var reply = exchange.Reply!;

        Assert.Equal(201, reply.Status);
        Assert.Equal("text/plain", reply.Headers.GetLast("content-type"));
        Assert.Equal("hello /greet from body", System.Text.Encoding.UTF8.GetString(reply.Body.ToArray()));
    }

    [Fact]
    public void FailingService_Answers500()
    {
        var lua = Load("core.register_service('bad', 'http', function(applet) applet:send(nil) end)");

        var exchange = Request("/");
        lua.Http.RunService("bad", exchange);

        Assert.Equal(500, exchange.Reply!.Status);
        Assert.Contains(_log.Entries, e => e.Message.Contains("service 'lua.bad'"));
    }

    [Fact]
    public void Done_EndsTheActionWithoutError()
    {
        var lua = Load("""
            core.register_action("stop", { "http-req" }, function(txn)
              txn.http:req_set_header("x-before", "1")
              txn:done()
              txn.http:req_set_header("x-after", "1")
            end)
            """);
        var exchange = Request("/");

        lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "stop", exchange, []);

        Assert.Equal("1", exchange.RequestHeaders.GetLast("x-before"));
        Assert.Null(exchange.RequestHeaders.GetLast("x-after"));
        Assert.Equal((1, 0, 0), lua.Http.Counters);
    }

    [Fact]
    public void SleepingAction_IsSuspended_ThenResumedToItsEnd()
    {
        var lua = Load("""
            core.register_action("nap", { "http-req" }, function(txn)
              txn.http:req_set_header("x-before", "1")
              core.msleep(50)
              txn.http:req_set_header("x-after", "1")
            end)
            """);
        var exchange = Request("/");

        var waiting = lua.Http.RunAction(LuaFunctionKind.HttpRequestAction, "nap", exchange, []);

        Assert.NotNull(waiting);
        Assert.Equal(new LuaTaskStep(LuaTaskStepKind.ResumeAfter, TimeSpan.FromMilliseconds(50)), waiting.Wait);
        Assert.Null(exchange.RequestHeaders.GetLast("x-after"));
        Assert.True(waiting.Resume());
        Assert.Equal("1", exchange.RequestHeaders.GetLast("x-after"));
    }

    [Fact]
    public void YieldingService_KeepsItsResponseAcrossTheWait()
    {
        var lua = Load("""
            core.register_service("slow_hello", "http", function(applet)
              applet:set_status(200)
              applet:start_response()
              applet:send("a")
              core.yield()
              applet:send("b")
            end)
            """);
        var exchange = Request("/");

        var waiting = lua.Http.RunService("slow_hello", exchange);
        Assert.NotNull(waiting);
        Assert.Null(exchange.Reply);
        Assert.True(waiting.Resume());

        Assert.Equal("ab", System.Text.Encoding.UTF8.GetString(exchange.Reply!.Body.ToArray()));
    }

    [Fact]
    public void YieldingFetch_IsNotAllowed()
    {
        var lua = Load("core.register_fetches('napper', function(txn) core.msleep(1) return 1 end)");

        Assert.Null(lua.Http.Fetch("napper", Request("/"), []));
        Assert.Contains(_log.Entries, e => e.Message.Contains("sample-fetch 'lua.napper' (state 1): yield not allowed"));
    }

    public void Dispose() => _lua.Dispose();

    [Theory]
    [InlineData("applet:send('a')", "Lua: 'send' you must call start_response() before sending data.")]
    [InlineData("applet:set_status(201)", null)]
    public void ServiceThatDoesNotStartItsResponse_Gets500_AsHaproxy(string body, string? error)
    {
        var lua = Load($"core.register_service('unstarted', 'http', function(applet) {body} end)");
        var exchange = Request("/");

        Assert.Null(lua.Http.RunService("unstarted", exchange));

        Assert.Equal(500, exchange.Reply!.Status);
        if (error is not null)
        {
            Assert.Contains(_log.Entries, e => e.Message.Contains(error, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void StreamingService_ReadsTheBodyAsItArrives_AndWritesThroughTheStream()
    {
        var lua = Load("""
            core.register_service("upper", "http", function(applet)
              applet:set_status(201)
              applet:add_header("x-a", "1")
              applet:start_response()
              local line = applet:getline()
              applet:send(line:upper())
              applet:send(applet:receive(4) .. "|" .. applet:receive())
            end)
            """);
        var stream = new FakeServiceStream();
        var exchange = Request("/");
        exchange.ServiceStream = stream;

        var waiting = lua.Http.RunService("upper", exchange)!;
        Assert.Equal(201, stream.Head!.Status);
        Assert.Equal("1", stream.Head.Headers.GetLast("x-a"));
        Assert.Equal(LuaTaskStepKind.WaitOperation, waiting.Wait.Kind);
        Assert.False(waiting.Wait.Operation!.IsCompleted);

        stream.Arrive("hel");
        Assert.False(waiting.Resume());
        stream.Arrive("lo\nab");
        Assert.False(waiting.Resume());
        Assert.Equal("HELLO\n", stream.Written);
        stream.Arrive("cdef");
        Assert.False(waiting.Resume());
        stream.Arrive("");
        Assert.True(waiting.Resume());

        Assert.Equal("HELLO\nabcd|ef", stream.Written);
        Assert.True(exchange.ServiceStreamed);
        Assert.Null(exchange.Reply);
    }

    [Fact]
    public void StreamingService_WhoseClientIsGone_IsStoppedAtItsNextYield_AndLoggedOnce()
    {
        var lua = Load("""
            core.register_service("forever", "http", function(applet)
              applet:start_response()
              while true do
                applet:send("tick\n")
                core.yield()
              end
            end)
            """);
        var stream = new FakeServiceStream();
        var exchange = Request("/");
        exchange.ServiceStream = stream;
        var waiting = lua.Http.RunService("forever", exchange)!;
        Assert.False(waiting.Resume());

        stream.Stopped = true;

        Assert.True(waiting.Resume());
        Assert.Equal("tick\ntick\n", stream.Written);
        Assert.Single(_log.Entries, e => e.Message.Contains("Lua service 'lua.forever' (state 1) stopped", StringComparison.Ordinal));
        Assert.True(exchange.ServiceStreamed);
    }

    // The connection side of a streaming service: body bytes arrive when the test says, writes
    // are taken at once.
    private sealed class FakeServiceStream : IHttpServiceStream
    {
        private readonly System.Text.StringBuilder _written = new();
        private TaskCompletionSource<byte[]>? _read;
        private readonly Queue<byte[]> _arrived = new();

        public bool Stopped { get; set; }

        public CancellationToken ClientGone => CancellationToken.None;

        public HttpReply? Head { get; private set; }

        public string Written => _written.ToString();

        public void Arrive(string data)
        {
            byte[] bytes = System.Text.Encoding.ASCII.GetBytes(data);
            if (_read is { } waiting)
            {
                _read = null;
                waiting.SetResult(bytes);
            }
            else
            {
                _arrived.Enqueue(bytes);
            }
        }

        public async ValueTask<int> ReadBodyAsync(Memory<byte> into)
        {
            byte[] data = _arrived.Count > 0 ? _arrived.Dequeue() : await (_read = new TaskCompletionSource<byte[]>()).Task;
            data.CopyTo(into);
            return data.Length;
        }

        public Task StartResponseAsync(HttpReply head)
        {
            Head = head;
            return Task.CompletedTask;
        }

        public Task WriteAsync(ReadOnlyMemory<byte> data)
        {
            _written.Append(System.Text.Encoding.ASCII.GetString(data.Span));
            return Task.CompletedTask;
        }
    }

    private LoadedLuaState Load(string source) => _lua.Load(source);

    private static HttpExchange Request(string path, params (string Name, string Value)[] headers)
    {
        var exchange = new HttpExchange("fe", "GET", path, null, "HTTP/1.1") { ClientAddress = "127.0.0.1", ClientPort = 5555 };
        foreach (var (name, value) in headers)
        {
            exchange.RequestHeaders.Add(name, value);
        }
        return exchange;
    }
}
