using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorProxy.Runtime.Lua;

/// <summary>
/// The Lua 5.4 C API, bound to the native library that the KeraLua package ships.
/// </summary>
/// <remarks>
/// We bind it ourselves rather than through KeraLua's <c>Lua</c> class so that every callback
/// handed to Lua is an <see cref="UnmanagedCallersOnlyAttribute"/> function pointer: no delegate
/// to keep alive, no marshalling stub per call.
/// Only functions that never raise a Lua error are called from managed code outside a protected
/// call; see <see cref="LuaAllocator"/> for how memory errors are kept from raising there.
/// Functions marked <see cref="SuppressGCTransitionAttribute"/> neither allocate nor call back.
/// </remarks>
internal static unsafe partial class LuaNative
{
    private const string Library = "lua54";

    public const int LUA_OK = 0;
    public const int LUA_YIELD = 1;
    public const int LUA_ERRRUN = 2;
    public const int LUA_ERRSYNTAX = 3;
    public const int LUA_ERRMEM = 4;
    public const int LUA_ERRERR = 5;

    public const int LUA_TNIL = 0;
    public const int LUA_TBOOLEAN = 1;
    public const int LUA_TLIGHTUSERDATA = 2;
    public const int LUA_TNUMBER = 3;
    public const int LUA_TSTRING = 4;
    public const int LUA_TTABLE = 5;
    public const int LUA_TFUNCTION = 6;
    public const int LUA_TUSERDATA = 7;
    public const int LUA_TTHREAD = 8;

    public const int LUA_MULTRET = -1;
    public const int LUA_REGISTRYINDEX = -1000000 - 1000;
    public const int LUA_RIDX_GLOBALS = 2;
    public const int LUA_REFNIL = -1;
    public const int LUA_NOREF = -2;

    public const int LUA_MASKCOUNT = 1 << 3;

    public const int LUA_GCCOLLECT = 2;
    public const int LUA_GCCOUNT = 3;
    public const int LUA_GCCOUNTB = 4;

    /// <summary>lua_upvalueindex</summary>
    public static int UpvalueIndex(int i) => LUA_REGISTRYINDEX - i;

    /// <summary>lua_getextraspace: the pointer-sized block Lua keeps in front of every thread.</summary>
    public static nint* ExtraSpace(nint L) => (nint*)(L - sizeof(nint));

    [LibraryImport(Library)]
    public static partial nint lua_newstate(delegate* unmanaged<nint, nint, nuint, nuint, nint> f, nint ud);

    [LibraryImport(Library)]
    public static partial void lua_close(nint L);

    [LibraryImport(Library)]
    public static partial nint luaL_newstate();

    [LibraryImport(Library)]
    public static partial void luaL_openlibs(nint L);

    [LibraryImport(Library)]
    public static partial nint lua_getallocf(nint L, nint* ud);

    [LibraryImport(Library)]
    public static partial void lua_setallocf(nint L, nint f, nint ud);

    [LibraryImport(Library)]
    public static partial nint lua_newthread(nint L);

    [LibraryImport(Library)]
    public static partial int lua_resume(nint L, nint from, int narg, int* nres);

    [LibraryImport(Library)]
    public static partial int lua_pcallk(nint L, int nargs, int nresults, int errfunc, nint ctx, nint k);

    [LibraryImport(Library)]
    public static partial int lua_yieldk(nint L, int nresults, nint ctx, nint k);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int lua_isyieldable(nint L);

    [LibraryImport(Library)]
    public static partial void lua_sethook(nint L, delegate* unmanaged<nint, nint, void> f, int mask, int count);

    [LibraryImport(Library)]
    public static partial int luaL_loadbufferx(nint L, byte* buff, nuint sz, byte* name, byte* mode);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int lua_gettop(nint L);

    /// <remarks>Not GC-transition-free: lowering the top may run <c>__close</c> handlers.</remarks>
    [LibraryImport(Library)]
    public static partial void lua_settop(nint L, int idx);

    [LibraryImport(Library)]
    public static partial int lua_checkstack(nint L, int n);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial void lua_pushvalue(nint L, int idx);

    [LibraryImport(Library)]
    public static partial void lua_xmove(nint from, nint to, int n);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int lua_type(nint L, int idx);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial long lua_tointegerx(nint L, int idx, int* isnum);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial double lua_tonumberx(nint L, int idx, int* isnum);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int lua_toboolean(nint L, int idx);

    /// <remarks>Allocates when it converts a number in place.</remarks>
    [LibraryImport(Library)]
    public static partial byte* lua_tolstring(nint L, int idx, nuint* len);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial nint lua_tothread(nint L, int idx);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int lua_rawequal(nint L, int idx1, int idx2);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial void lua_pushnil(nint L);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial void lua_pushinteger(nint L, long n);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial void lua_pushnumber(nint L, double n);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial void lua_pushboolean(nint L, int b);

    [LibraryImport(Library)]
    public static partial byte* lua_pushlstring(nint L, byte* s, nuint len);

    [LibraryImport(Library)]
    public static partial void lua_pushcclosure(nint L, delegate* unmanaged<nint, int> fn, int n);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int lua_pushthread(nint L);

    [LibraryImport(Library)]
    public static partial void lua_createtable(nint L, int narr, int nrec);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int lua_rawgeti(nint L, int idx, long n);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int lua_rawget(nint L, int idx);

    [LibraryImport(Library)]
    public static partial void lua_rawset(nint L, int idx);

    [LibraryImport(Library)]
    public static partial void lua_rawseti(nint L, int idx, long n);

    [LibraryImport(Library)]
    public static partial int luaL_ref(nint L, int t);

    [LibraryImport(Library)]
    public static partial void luaL_unref(nint L, int t, int reference);

    /// <remarks>Variadic in C; the count queries used here take no extra argument.</remarks>
    [LibraryImport(Library)]
    public static partial int lua_gc(nint L, int what);

    /// <summary>lua_pop</summary>
    public static void lua_pop(nint L, int n) => lua_settop(L, -n - 1);

    /// <summary>lua_pcall</summary>
    public static int lua_pcall(nint L, int nargs, int nresults, int errfunc) =>
        lua_pcallk(L, nargs, nresults, errfunc, 0, 0);

    /// <summary>Pushes a .NET string as a Lua string (UTF-8).</summary>
    public static void PushString(nint L, ReadOnlySpan<char> value)
    {
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= 512 ? stackalloc byte[max] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        int length = System.Text.Encoding.UTF8.GetBytes(value, buffer);
        fixed (byte* p = buffer)
        {
            lua_pushlstring(L, p, (nuint)length);
        }
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Reads the string (or number) at <paramref name="idx"/>, or null for other types.</summary>
    public static string? ToManagedString(nint L, int idx)
    {
        nuint length;
        byte* p = lua_tolstring(L, idx, &length);
        return p is null ? null : System.Text.Encoding.UTF8.GetString(p, checked((int)length));
    }
}
