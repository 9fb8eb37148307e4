using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorProxy.Runtime.Lua;

/// <summary>
/// The one memory allocator shared by every Lua state of the process, with the accounting and
/// the limit of <c>tune.lua.maxmem</c> (HAProxy's <c>hlua_alloc</c> and <c>hlua_global_allocator</c>).
/// </summary>
/// <remarks>
/// <para>The limit word encodes the phase, as in HAProxy: 0 means "boot, limit not known yet"
/// and every allocation is accounted; a positive value is the limit, enforced with a
/// compare-and-swap that reserves the size before allocating and rolls back if the system
/// allocation fails; <see cref="nuint.MaxValue"/> means "boot is over and there is no limit", and
/// allocation goes straight to the system allocator without touching the shared counter.</para>
/// <para>One difference from HAProxy, for the safety rules: an allocation that fails raises a
/// Lua error, and a Lua error must never unwind through a managed frame. The limit is therefore
/// enforced only while the thread runs Lua code under a protected call entered from managed
/// code (<see cref="EnterLua"/>); while managed code calls the Lua API (a C# function called from
/// Lua, or the host preparing a call) allocations are accounted but may pass the limit. The next
/// allocation made by Lua code then fails. Shrinking is never refused, so memory can always be
/// given back.</para>
/// <para>The counter lives in native memory on its own cache line so that Lua can pass it as the
/// allocator's user data and no managed object is touched on an allocation.</para>
/// </remarks>
public sealed unsafe class LuaAllocator : IDisposable
{
    private static readonly nuint BootOverUnlimited = nuint.MaxValue;
    private const nuint CacheLine = 64;

    [StructLayout(LayoutKind.Sequential)]
    private struct Zone
    {
        public long Allocated;
        public nuint Limit;
    }

    [ThreadStatic]
    private static bool t_insideLua;

    private Zone* _zone;
    private int _liveStates;

    /// <summary>Creates an allocator in the boot phase: accounting on, no limit.</summary>
    public LuaAllocator()
    {
        _zone = (Zone*)NativeMemory.AlignedAlloc((nuint)sizeof(Zone), CacheLine);
        *_zone = default;
    }

    /// <summary>Bytes currently held by all Lua states. Exact while accounting; frozen once the
    /// fast path is taken (<see cref="IsAccounting"/> false).</summary>
    public long AllocatedBytes => Volatile.Read(ref Live->Allocated);

    /// <summary>The <c>tune.lua.maxmem</c> limit in bytes, or 0 for none.</summary>
    public long LimitBytes => Live->Limit == 0 || Live->Limit == BootOverUnlimited ? 0 : (long)Live->Limit;

    /// <summary>True while every allocation updates the shared counter.</summary>
    public bool IsAccounting => Live->Limit != BootOverUnlimited;

    /// <summary>True once <see cref="CompleteBoot"/> has run.</summary>
    public bool IsBootComplete { get; private set; }

    /// <summary>The function Lua calls for every allocation (<c>lua_Alloc</c>).</summary>
    internal static delegate* unmanaged<nint, nint, nuint, nuint, nint> Function => &Allocate;

    /// <summary>The allocator of Lua's own auxiliary library (<c>l_alloc</c>: realloc and free,
    /// no managed code). Once boot is over with no limit, states switch to it, which is the
    /// fast path with not even a managed transition left.</summary>
    internal static nint SystemFunction => s_systemFunction.Value;

    private static readonly Lazy<nint> s_systemFunction = new(() =>
    {
        // l_alloc is static in lauxlib; a state made by luaL_newstate hands it out.
        nint probe = LuaNative.luaL_newstate();
        nint function = LuaNative.lua_getallocf(probe, null);
        LuaNative.lua_close(probe);
        return function;
    });

    /// <summary>The user data Lua passes back to <see cref="Function"/>.</summary>
    internal nint UserData => (nint)Live;

    /// <summary>Sets <c>tune.lua.maxmem</c>. Only during boot, as HAProxy reads it while parsing.</summary>
    /// <exception cref="InvalidOperationException">Boot is already complete.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is negative.</exception>
    public void SetLimit(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (IsBootComplete)
        {
            throw new InvalidOperationException("tune.lua.maxmem can only be set before boot completes.");
        }
        Volatile.Write(ref Live->Limit, (nuint)bytes);
    }

    /// <summary>Ends the boot phase (as <c>hlua_post_init</c> does): with no limit set,
    /// accounting stops for good and every later allocation takes the fast path.</summary>
    public void CompleteBoot()
    {
        IsBootComplete = true;
        if (Live->Limit == 0)
        {
            Volatile.Write(ref Live->Limit, BootOverUnlimited);
        }
    }

    /// <summary>Marks the calling thread as running Lua code under a protected call, where the
    /// limit is enforced. Returns the previous mark for <see cref="Restore"/>.</summary>
    internal static bool EnterLua()
    {
        bool previous = t_insideLua;
        t_insideLua = true;
        return previous;
    }

    /// <summary>Marks the calling thread as running managed code. Returns the previous mark.</summary>
    internal static bool EnterManaged()
    {
        bool previous = t_insideLua;
        t_insideLua = false;
        return previous;
    }

    /// <summary>Restores the mark returned by <see cref="EnterLua"/> or <see cref="EnterManaged"/>.</summary>
    internal static void Restore(bool previous) => t_insideLua = previous;

    internal void StateCreated() => Interlocked.Increment(ref _liveStates);

    internal void StateClosed() => Interlocked.Decrement(ref _liveStates);

    /// <summary>Frees the counter. Every state using this allocator must be closed first.</summary>
    public void Dispose()
    {
        if (_zone is null)
        {
            return;
        }
        if (Volatile.Read(ref _liveStates) != 0)
        {
            throw new InvalidOperationException($"{_liveStates} Lua state(s) still use this allocator; close them first.");
        }
        NativeMemory.AlignedFree(_zone);
        _zone = null;
    }

    private Zone* Live
    {
        get
        {
            ObjectDisposedException.ThrowIf(_zone is null, this);
            return _zone;
        }
    }

    // hlua_alloc. Must never throw: it runs under native Lua frames.
    [UnmanagedCallersOnly]
    private static nint Allocate(nint ud, nint ptr, nuint osize, nuint nsize)
    {
        var zone = (Zone*)ud;
        if (zone->Limit == BootOverUnlimited)
        {
            return SystemRealloc(ptr, nsize);
        }

        if (ptr == 0)
        {
            // For a new block Lua passes the object's kind in osize, not a size.
            osize = 0;
        }
        long delta = (long)nsize - (long)osize;
        nuint limit = zone->Limit;
        long old = Volatile.Read(ref zone->Allocated);
        while (true)
        {
            long next = old + delta;
            if (delta > 0 && limit != 0 && (nuint)next > limit && t_insideLua)
            {
                return 0;
            }
            long seen = Interlocked.CompareExchange(ref zone->Allocated, next, old);
            if (seen == old)
            {
                break;
            }
            old = seen;
        }

        nint block = SystemRealloc(ptr, nsize);
        if (block == 0 && nsize != 0)
        {
            Interlocked.Add(ref zone->Allocated, -delta);
        }
        return block;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint SystemRealloc(nint ptr, nuint nsize)
    {
        if (nsize == 0)
        {
            NativeMemory.Free((void*)ptr);
            return 0;
        }
        try
        {
            return (nint)NativeMemory.Realloc((void*)ptr, nsize);
        }
        catch (OutOfMemoryException)
        {
            // Lua expects NULL, and an exception must not leave an unmanaged-callers-only method.
            return 0;
        }
    }
}
