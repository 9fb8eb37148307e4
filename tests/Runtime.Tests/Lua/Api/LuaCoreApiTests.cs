using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Lua.Api;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Runtime.Tests.Lua.Api;

public class LuaCoreApiTests
{
    private readonly CapturingLogger _log = new();

    [Fact]
    public void Thread_IsTheStateId()
    {
        using var engine = new LuaEngine(new LuaTune());
        var (shared, _) = Install(engine, 0);
        var (worker, _) = Install(engine, 3);

        shared.Execute("assert(core.thread == 0)");
        worker.Execute("assert(core.thread == 3)");
    }

    [Fact]
    public void Log_GoesToLoggerWithStateIdAndLevel()
    {
        using var engine = new LuaEngine(new LuaTune(), loggers: _log);
        var (state, _) = Install(engine, 2);

        state.Execute("""
            core.log(core.err, "disk full")
            core.Warning("careful")
            core.Info("hello")
            core.Debug("details")
            core.Alert("on fire")
            """);

        Assert.Equal(
            [(LogLevel.Error, "[lua state 2] disk full"), (LogLevel.Warning, "[lua state 2] careful"),
             (LogLevel.Information, "[lua state 2] hello"), (LogLevel.Debug, "[lua state 2] details"),
             (LogLevel.Critical, "[lua state 2] on fire")],
            _log.Entries);
    }

    [Fact]
    public void Log_InvalidLevel_IsLuaError()
    {
        using var engine = new LuaEngine(new LuaTune());
        var (state, _) = Install(engine, 1);

        var failure = Assert.Throws<LuaScriptException>(() => state.Execute("core.log(9, 'x')", "=t"));

        Assert.Equal("runtime error: t:1: core.log: invalid log level 9: use core.emerg (0) to core.debug (7)", failure.Message);
    }

    [Fact]
    public void Register_EachKind_RecordsReferenceForThisState()
    {
        using var engine = new LuaEngine(new LuaTune());
        var (state, _) = Install(engine, 2);

        state.Execute("""
            core.register_action("tag", { "http-req", "tcp-req" }, function(txn) end, 1)
            core.register_fetches("id", function(txn) return 1 end)
            core.register_converters("upper", function(s) return s:upper() end)
            core.register_service("hello", "http", function(applet) end)
            core.register_cli({ "show", "greeting" }, "show the greeting", function() end)
            """);

        foreach (var (kind, name) in new[] { (LuaFunctionKind.HttpRequestAction, "tag"), (LuaFunctionKind.SampleFetch, "id"),
                     (LuaFunctionKind.Converter, "upper"), (LuaFunctionKind.Service, "hello"), (LuaFunctionKind.CliKeyword, "show greeting") })
        {
            var function = engine.Registry.Find(kind, name);
            Assert.NotNull(function);
            Assert.True(function.IsIn(2));
            Assert.False(function.IsIn(0));
        }
    }

    [Fact]
    public void Register_RegisteredFunctionIsTheOneLuaGave()
    {
        using var engine = new LuaEngine(new LuaTune());
        var (state, _) = Install(engine, 1);
        state.Execute("core.register_converters('double', function(n) return n * 2 end)");
        int reference = engine.Registry.Find(LuaFunctionKind.Converter, "double")!.GetReference(1);
        using var context = state.CreateContext(Timeout.InfiniteTimeSpan);

        context.Start(reference);
        context.PushArgument(21);

        Assert.Equal(LuaExecResult.Ok, context.Resume(yieldAllowed: false));
        Assert.Equal(42, context.GetInteger(1));
    }

    [Fact]
    public void Register_TwiceInOneState_WarnsAndLastWins()
    {
        using var engine = new LuaEngine(new LuaTune(), loggers: _log);
        var (state, _) = Install(engine, 1);

        state.Execute("""
            core.register_fetches("x", function() return 1 end)
            core.register_fetches("x", function() return 2 end)
            """);

        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("sample-fetch 'lua.x' more than once"));
        using var context = state.CreateContext(Timeout.InfiniteTimeSpan);
        context.Start(engine.Registry.Find(LuaFunctionKind.SampleFetch, "x")!.GetReference(1));
        context.Resume(yieldAllowed: false);
        Assert.Equal(2, context.GetInteger(1));
    }

    [Theory]
    [InlineData("core.register_action('a', { 'http-request' }, function() end)", "unknown environment 'http-request'")]
    [InlineData("core.register_action('a', 'http-req', function() end)", "bad argument #2 to 'core.register_action' (table expected, got string)")]
    [InlineData("core.register_fetches('f', 42)", "bad argument #2 to 'core.register_fetches' (function expected, got number)")]
    [InlineData("core.register_service('s', 'udp', function() end)", "unknown mode 'udp'; expected 'tcp' or 'http'")]
    [InlineData("core.register_cli({}, 'usage', function() end)", "the command path must have 1 to 5 words")]
    public void Register_BadArguments_FailLoadWithLineAndReason(string source, string reason)
    {
        using var engine = new LuaEngine(new LuaTune());
        var (state, _) = Install(engine, 1);

        var failure = Assert.Throws<LuaScriptException>(() => state.Execute("\n" + source, "@lua/bad.lua"));

        Assert.StartsWith("runtime error: lua/bad.lua:2: ", failure.Message);
        Assert.Contains(reason, failure.Message);
    }

    [Fact]
    public void Register_AfterBoot_IsRefused()
    {
        using var engine = new LuaEngine(new LuaTune());
        var (state, _) = Install(engine, 1);
        engine.CompleteBoot();

        var failure = Assert.Throws<LuaScriptException>(() => state.Execute("core.register_fetches('late', function() end)"));

        Assert.Contains("core.register_fetches: registrations are only allowed while ActorProxy starts", failure.Message);
    }

    [Fact]
    public void RegisterInit_RunsInOrderWhenAsked()
    {
        using var engine = new LuaEngine(new LuaTune());
        var (state, api) = Install(engine, 0);
        state.Execute("""
            order = {}
            core.register_init(function() order[#order + 1] = "first" end)
            core.register_init(function() order[#order + 1] = "second" end)
            assert(#order == 0)
            """);

        api.RunInitFunctions();

        state.Execute("assert(table.concat(order, ',') == 'first,second')");
    }

    [Fact]
    public void RegisterInit_Failing_NamesStateAndLine()
    {
        using var engine = new LuaEngine(new LuaTune());
        var (state, api) = Install(engine, 4);
        state.Execute("core.register_init(function() error('no database') end)", "@lua/init.lua");

        var failure = Assert.Throws<LuaScriptException>(api.RunInitFunctions);

        Assert.Equal("Lua init (state 4): runtime error: lua/init.lua:1: no database", failure.Message);
    }

    [Fact]
    public void UnimplementedHaproxyFunction_RaisesErrorNamingIt_OtherNamesAreNil()
    {
        using var engine = new LuaEngine(new LuaTune());
        var (state, _) = Install(engine, 1);

        state.Execute("""
            local ok, err = pcall(function() return core.register_filter("f", {}, function() end) end)
            assert(not ok and err:find("core.register_filter is not implemented by ActorProxy", 1, true), err)
            assert(core.no_such_thing == nil)
            """);
    }

    [Fact]
    public void Now_GivesRealMicroseconds()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddSeconds(5).AddTicks(1_234_567));
        using var engine = new LuaEngine(new LuaTune(), clock);
        var (state, _) = Install(engine, 1);

        state.Execute("local t = core.now() assert(t.sec == 5, t.sec) assert(t.usec == 123456, t.usec)");
    }

    [Fact]
    public void GetInfo_NamesTheProcess()
    {
        using var engine = new LuaEngine(new LuaTune());
        var (state, _) = Install(engine, 1);

        state.Execute($"""
            local info = core.get_info()
            assert(info.Name == "ActorProxy", info.Name)
            assert(info.Pid == {Environment.ProcessId}, info.Pid)
            assert(math.type(info.Uptime_sec) == "integer" and info.Uptime_sec >= 0)
            assert(info.Uptime:match("^%d+d %d+h%d%dm%d%ds$"), info.Uptime)
            """);
    }

    private static (LuaState, LuaCoreApi) Install(LuaEngine engine, int id)
    {
        var state = engine.CreateState(id);
        return (state, LuaCoreApi.Install(state, engine.Registry));
    }
}
