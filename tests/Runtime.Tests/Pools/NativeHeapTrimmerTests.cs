using ActorProxy.Runtime.Pools;
using Microsoft.Extensions.Time.Testing;

namespace ActorProxy.Runtime.Tests.Pools;

public class NativeHeapTrimmerTests
{
    [Fact]
    public void Trim_RunsOncePerInterval_AndStopsWhenDisposed()
    {
        var time = new FakeTimeProvider();
        int trims = 0;
        var trimmer = new NativeHeapTrimmer(time, TimeSpan.FromSeconds(30), () => Interlocked.Increment(ref trims) > 0);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, trims);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, trims);
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(3, trims);
        Assert.Equal(3, trimmer.Trims);

        trimmer.Dispose();
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(3, trims);
    }

    [Fact]
    public unsafe void Trim_OnGlibc_GivesFreedMemoryBack()
    {
        // Many small blocks, freed but the last: glibc keeps the arena's pages until trimmed.
        var blocks = new List<nint>();
        for (int i = 0; i < 20_000; i++)
        {
            blocks.Add((nint)System.Runtime.InteropServices.NativeMemory.Alloc(1024));
        }
        for (int i = 0; i < blocks.Count - 1; i++)
        {
            System.Runtime.InteropServices.NativeMemory.Free((void*)blocks[i]);
        }

        Assert.True(NativeHeap.Trim(), "malloc_trim gave nothing back after 20 MB were freed");

        System.Runtime.InteropServices.NativeMemory.Free((void*)blocks[^1]);
    }
}
