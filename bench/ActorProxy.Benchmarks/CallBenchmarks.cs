using ActorProxy.Runtime.Lua;
using BenchmarkDotNet.Attributes;

namespace ActorProxy.Benchmarks;

/// <summary>
/// Crossing the boundary: a context resume of a trivial function, a C# → Lua call with an
/// argument and a result, and a Lua → C# call through the failure-checking wrapper (against a
/// Lua → Lua call of the same shape).
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class CallBenchmarks
{
    private const int LoopCalls = 1000;

    private LuaAllocator _allocator = null!;
    private LuaState _state = null!;
    private LuaContext _context = null!;
    private int _nothing;
    private int _increment;
    private int _callCSharp;
    private int _callLua;

    [GlobalSetup]
    public void Setup()
    {
        _allocator = new LuaAllocator();
        _state = new LuaState(1, _allocator, new LuaTune());
        _state.Expose(null, "cs_increment", call => call.Return(call.GetInteger(1) + 1));
        _state.Execute($$"""
            function nothing() end
            function increment(n) return n + 1 end
            local function lua_increment(n) return n + 1 end
            function call_csharp() local n = 0 for i = 1, {{LoopCalls}} do n = cs_increment(n) end return n end
            function call_lua() local n = 0 for i = 1, {{LoopCalls}} do n = lua_increment(n) end return n end
            """);
        _allocator.CompleteBoot();
        _nothing = _state.GetGlobalFunction("nothing");
        _increment = _state.GetGlobalFunction("increment");
        _callCSharp = _state.GetGlobalFunction("call_csharp");
        _callLua = _state.GetGlobalFunction("call_lua");
        _context = _state.CreateContext(TimeSpan.FromSeconds(4));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _context.Dispose();
        _state.Dispose();
        _allocator.Dispose();
    }

    [Benchmark(Description = "context resume, trivial function")]
    public LuaExecResult ResumeTrivial()
    {
        _context.Start(_nothing);
        return _context.Resume(yieldAllowed: false);
    }

    [Benchmark(Description = "C# -> Lua call (1 arg, 1 result)")]
    public long? CallIntoLua()
    {
        _context.Start(_increment);
        _context.PushArgument(41);
        _context.Resume(yieldAllowed: false);
        return _context.GetInteger(1);
    }

    [Benchmark(OperationsPerInvoke = LoopCalls, Description = "Lua -> C# call (1 arg, 1 result)")]
    public long? CallFromLuaIntoCSharp() => RunLoop(_callCSharp);

    [Benchmark(OperationsPerInvoke = LoopCalls, Description = "Lua -> Lua call (same shape, baseline)")]
    public long? CallFromLuaIntoLua() => RunLoop(_callLua);

    private long? RunLoop(int function)
    {
        _context.Start(function);
        _context.Resume(yieldAllowed: false);
        return _context.GetInteger(1);
    }
}
