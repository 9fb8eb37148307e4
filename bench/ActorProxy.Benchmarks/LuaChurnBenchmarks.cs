using ActorProxy.Runtime.Lua;
using BenchmarkDotNet.Attributes;
using static ActorProxy.Runtime.Lua.LuaNative;

namespace ActorProxy.Benchmarks;

/// <summary>
/// The allocator seen from Lua: the same table-and-string churn in a state on Lua's own C
/// allocator (luaL_newstate: plain realloc, no managed transition) and in states on
/// ActorProxy's allocator in each of its modes.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public unsafe class LuaChurnBenchmarks
{
    private const int Rounds = 1000;
    private const string Source = """
        return function(n)
          local keep = {}
          for i = 1, n do keep[i % 32] = { i, tostring(i) } end
          return #keep
        end
        """;

    private nint _plain;
    private LuaAllocator _fastAllocator = null!;
    private LuaAllocator _accountingAllocator = null!;
    private LuaState _fast = null!;
    private LuaState _accounting = null!;
    private LuaState _switched = null!;
    private int _switchedChurn;
    private int _fastChurn;
    private int _accountingChurn;

    [GlobalSetup]
    public void Setup()
    {
        _plain = luaL_newstate();
        luaL_openlibs(_plain);
        byte[] source = System.Text.Encoding.UTF8.GetBytes(Source);
        fixed (byte* s = source)
        {
            luaL_loadbufferx(_plain, s, (nuint)source.Length, null, null);
        }
        lua_pcall(_plain, 0, 1, 0);

        _fastAllocator = new LuaAllocator();
        (_fast, _fastChurn) = NewState(_fastAllocator);
        (_switched, _switchedChurn) = NewState(_fastAllocator);
        _fastAllocator.CompleteBoot();
        _switched.UseSystemAllocator();
        _accountingAllocator = new LuaAllocator();
        _accountingAllocator.SetLimit(1L << 30);
        (_accounting, _accountingChurn) = NewState(_accountingAllocator);
        _accountingAllocator.CompleteBoot();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        lua_close(_plain);
        _fast.Dispose();
        _switched.Dispose();
        _accounting.Dispose();
        _fastAllocator.Dispose();
        _accountingAllocator.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rounds, Description = "churn, Lua's C allocator")]
    public void PlainAllocator()
    {
        lua_pushvalue(_plain, -1);
        lua_pushinteger(_plain, Rounds);
        lua_pcall(_plain, 1, 1, 0);
        lua_pop(_plain, 1);
    }

    [Benchmark(OperationsPerInvoke = Rounds, Description = "churn, managed fast path (LuaAllocator, boot over)")]
    public void FastPath() => Run(_fast, _fastChurn);

    [Benchmark(OperationsPerInvoke = Rounds, Description = "churn, after switch to C allocator (LuaEngine, boot over)")]
    public void SwitchedToSystem() => Run(_switched, _switchedChurn);

    [Benchmark(OperationsPerInvoke = Rounds, Description = "churn, accounting with maxmem")]
    public void Accounting() => Run(_accounting, _accountingChurn);

    private static (LuaState, int) NewState(LuaAllocator allocator)
    {
        var state = new LuaState(1, allocator, new LuaTune());
        state.Execute("churn = (function() " + Source + " end)()");
        return (state, state.GetGlobalFunction("churn"));
    }

    private static void Run(LuaState state, int churn)
    {
        nint L = state.Main;
        lua_rawgeti(L, LUA_REGISTRYINDEX, churn);
        lua_pushinteger(L, Rounds);
        lua_pcall(L, 1, 1, 0);
        lua_pop(L, 1);
    }
}
