using ActorProxy.Runtime.Lua;

namespace ActorProxy.Runtime.Tests.Lua;

public class LuaEngineTests
{
    [Fact]
    public void PrependPath_AppliesToLiveAndLaterStates()
    {
        using var engine = new LuaEngine(new LuaTune());
        var shared = engine.CreateState(0);

        engine.AddPrependPath(new LuaPrependPath("/opt/lua/?.lua"));
        engine.AddPrependPath(new LuaPrependPath("/opt/lib/?.so", LuaPathType.CPath));
        var worker = engine.CreateState(1);

        foreach (var state in new[] { shared, worker })
        {
            state.Execute("""
                assert(package.path:find("^/opt/lua/%?%.lua;"), package.path)
                assert(package.cpath:find("^/opt/lib/%?%.so;"), package.cpath)
                """);
        }
    }

    [Fact]
    public void PrependPath_LetsRequireFindModules()
    {
        string directory = Directory.CreateTempSubdirectory("actorproxy-lib").FullName;
        File.WriteAllText(Path.Combine(directory, "greeting.lua"), "return { text = 'hi' }");
        try
        {
            using var engine = new LuaEngine(new LuaTune());
            engine.AddPrependPath(new LuaPrependPath(Path.Combine(directory, "?.lua")));
            var state = engine.CreateState(2);

            state.Execute("assert(require('greeting').text == 'hi')");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void PrependPath_LaterEntriesComeFirst_AsEachIsPrepended()
    {
        using var engine = new LuaEngine(new LuaTune());
        engine.AddPrependPath(new LuaPrependPath("/first/?.lua"));
        engine.AddPrependPath(new LuaPrependPath("/second/?.lua"));

        engine.CreateState(1).Execute("""assert(package.path:find("^/second/%?%.lua;/first/%?%.lua;"), package.path)""");
    }

    [Fact]
    public void PrependPath_AfterBoot_Throws()
    {
        using var engine = new LuaEngine(new LuaTune());
        engine.CompleteBoot();

        Assert.Throws<InvalidOperationException>(() => engine.AddPrependPath(new LuaPrependPath("/x/?.lua")));
    }

    [Fact]
    public void CreateState_SameIdTwice_Throws()
    {
        using var engine = new LuaEngine(new LuaTune());
        engine.CreateState(1);

        Assert.Throws<InvalidOperationException>(() => engine.CreateState(1));
    }

    [Fact]
    public void MaxMem_FromTune_LimitsEveryState()
    {
        using var engine = new LuaEngine(new LuaTune { MaxMem = 1 << 20 });
        var state = engine.CreateState(0);
        engine.CompleteBoot();

        Assert.Equal(1 << 20, engine.Allocator.LimitBytes);
        Assert.Throws<LuaScriptException>(() => state.Execute("big = string.rep('x', 2 * 1024 * 1024)"));
    }

    [Fact]
    public void CompleteBoot_WithoutMaxMem_SwitchesLiveAndLaterStatesToSystemAllocator()
    {
        using var engine = new LuaEngine(new LuaTune());
        var shared = engine.CreateState(0);
        Assert.False(shared.UsesSystemAllocator);

        engine.CompleteBoot();
        long frozen = engine.Allocator.AllocatedBytes;
        var worker = engine.CreateState(1);
        shared.Execute("held = {} for i = 1, 10000 do held[i] = tostring(i) end");

        Assert.True(shared.UsesSystemAllocator);
        Assert.True(worker.UsesSystemAllocator);
        Assert.Equal(frozen, engine.Allocator.AllocatedBytes);
    }

    [Fact]
    public void CompleteBoot_WithMaxMem_KeepsAccountingAllocator()
    {
        using var engine = new LuaEngine(new LuaTune { MaxMem = 64 << 20 });
        var shared = engine.CreateState(0);

        engine.CompleteBoot();
        shared.Execute("held = {} for i = 1, 10000 do held[i] = tostring(i) end");

        Assert.False(shared.UsesSystemAllocator);
        Assert.Equal(shared.MemoryBytes, engine.Allocator.AllocatedBytes);
    }

    [Fact]
    public void Dispose_ClosesStatesThenAllocator()
    {
        var engine = new LuaEngine(new LuaTune());
        var state = engine.CreateState(0);

        engine.Dispose();

        Assert.Throws<ObjectDisposedException>(() => state.Execute("x = 1"));
    }
}
