using ActorProxy.Runtime.Lua;
using BenchmarkDotNet.Attributes;
using System.Runtime.InteropServices;

namespace ActorProxy.Benchmarks;

/// <summary>
/// The Lua allocator (seed 002): one allocate/free pair through each path, called the way Lua
/// calls it, against the system allocator called from C#.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public unsafe class AllocatorBenchmarks
{
    private LuaAllocator _fastPath = null!;
    private LuaAllocator _accounting = null!;
    private LuaAllocator _limited = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fastPath = new LuaAllocator();
        _fastPath.CompleteBoot();
        _accounting = new LuaAllocator();
        _limited = new LuaAllocator();
        _limited.SetLimit(1L << 30);
        _limited.CompleteBoot();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fastPath.Dispose();
        _accounting.Dispose();
        _limited.Dispose();
    }

    [Benchmark(Baseline = true, Description = "malloc+free (NativeMemory)")]
    public void PlainMalloc()
    {
        void* block = NativeMemory.Alloc(64);
        NativeMemory.Free(block);
    }

    [Benchmark(Description = "lua_Alloc fast path (boot over, no limit)")]
    public void FastPath() => AllocateAndFree(_fastPath);

    [Benchmark(Description = "lua_Alloc accounting (boot, CAS)")]
    public void Accounting() => AllocateAndFree(_accounting);

    [Benchmark(Description = "lua_Alloc with maxmem (CAS + limit)")]
    public void WithLimit() => AllocateAndFree(_limited);

    private static void AllocateAndFree(LuaAllocator allocator)
    {
        var allocate = LuaAllocator.Function;
        nint block = allocate(allocator.UserData, 0, 0, 64);
        allocate(allocator.UserData, block, 64, 0);
    }
}
