using static ActorProxy.Runtime.Lua.LuaNative;

namespace ActorProxy.Runtime.Lua;

/// <summary>
/// One call from Lua into a <see cref="LuaApiFunction"/>: its arguments, and the way back.
/// Argument readers throw <see cref="LuaArgumentException"/>, which the call turns into a Lua
/// error at the caller; nothing here raises a Lua error itself.
/// </summary>
public readonly unsafe ref struct LuaCall
{
    private readonly nint _thread;

    internal LuaCall(nint thread, LuaState state, string name)
    {
        _thread = thread;
        State = state;
        Name = name;
    }

    /// <summary>The state the call runs in.</summary>
    public LuaState State { get; }

    /// <summary>The name the function was exposed under, for messages.</summary>
    public string Name { get; }

    /// <summary>How many arguments Lua passed.</summary>
    public int ArgumentCount => lua_gettop(_thread);

    /// <summary>True when argument <paramref name="arg"/> (1-based) is absent or nil.</summary>
    public bool IsNoneOrNil(int arg) => arg > ArgumentCount || lua_type(_thread, arg) == LUA_TNIL;

    /// <summary>Argument <paramref name="arg"/> as an integer (<c>luaL_checkinteger</c>).</summary>
    public long GetInteger(int arg)
    {
        int isInteger;
        long value = lua_tointegerx(_thread, arg, &isInteger);
        if (isInteger == 0)
        {
            throw BadArgument(arg, lua_type(_thread, arg) == LUA_TNUMBER
                ? "number has no integer representation"
                : Expected("number", arg));
        }
        return value;
    }

    /// <summary>Argument <paramref name="arg"/> as a number (<c>luaL_checknumber</c>).</summary>
    public double GetNumber(int arg)
    {
        int isNumber;
        double value = lua_tonumberx(_thread, arg, &isNumber);
        if (isNumber == 0)
        {
            throw BadArgument(arg, Expected("number", arg));
        }
        return value;
    }

    /// <summary>Argument <paramref name="arg"/> as a string (<c>luaL_checkstring</c>): numbers convert.</summary>
    public string GetString(int arg)
    {
        int type = lua_type(_thread, arg);
        if (type is not (LUA_TSTRING or LUA_TNUMBER))
        {
            throw BadArgument(arg, Expected("string", arg));
        }
        return ToManagedString(_thread, arg)!;
    }

    /// <summary>Argument <paramref name="arg"/>, a table used as an array of strings
    /// (<c>{"http-req", "http-res"}</c>), read without metamethods.</summary>
    public IReadOnlyList<string> GetStringArray(int arg)
    {
        if (lua_type(_thread, arg) != LUA_TTABLE)
        {
            throw BadArgument(arg, Expected("table", arg));
        }
        var items = new List<string>();
        for (long i = 1; ; i++)
        {
            int type = lua_rawgeti(_thread, arg, i);
            if (type == LUA_TNIL)
            {
                lua_pop(_thread, 1);
                return items;
            }
            if (type != LUA_TSTRING)
            {
                lua_pop(_thread, 1);
                throw BadArgument(arg, $"item {i} must be a string, got {TypeName(type)}");
            }
            items.Add(ToManagedString(_thread, -1)!);
            lua_pop(_thread, 1);
        }
    }

    /// <summary>Takes a reference to argument <paramref name="arg"/>, which must be a function,
    /// for later calls (<c>hlua_checkfunction</c>). Release it with <see cref="LuaState.Unref"/>.</summary>
    public int RefFunction(int arg)
    {
        if (lua_type(_thread, arg) != LUA_TFUNCTION)
        {
            throw BadArgument(arg, Expected("function", arg));
        }
        lua_pushvalue(_thread, arg);
        return luaL_ref(_thread, LUA_REGISTRYINDEX);
    }

    /// <summary>Argument <paramref name="arg"/> as Lua truth: false only for nil and false.</summary>
    public bool GetBoolean(int arg) => lua_toboolean(_thread, arg) != 0;

    /// <summary>Returns nothing.</summary>
    public int Return() => 0;

    /// <summary>Returns nil.</summary>
    public int ReturnNil()
    {
        lua_pushnil(_thread);
        return 1;
    }

    /// <summary>Returns an integer.</summary>
    public int Return(long value)
    {
        lua_pushinteger(_thread, value);
        return 1;
    }

    /// <summary>Returns a number.</summary>
    public int Return(double value)
    {
        lua_pushnumber(_thread, value);
        return 1;
    }

    /// <summary>Returns a boolean.</summary>
    public int Return(bool value)
    {
        lua_pushboolean(_thread, value ? 1 : 0);
        return 1;
    }

    /// <summary>Returns a string.</summary>
    public int Return(string value)
    {
        PushString(_thread, value);
        return 1;
    }

    /// <summary>Raises a Lua error with <paramref name="message"/> at the Lua caller, once this
    /// function has returned. The value it returns must be returned as is.</summary>
    public int Fail(string message) => State.PushFailure(_thread, message);

    private LuaArgumentException BadArgument(int arg, string detail) =>
        new($"bad argument #{arg} to '{Name}' ({detail})");

    private string Expected(string what, int arg) =>
        $"{what} expected, got {(arg > ArgumentCount ? "no value" : TypeName(lua_type(_thread, arg)))}";

    internal static string TypeName(int type) => type switch
    {
        LUA_TNIL => "nil",
        LUA_TBOOLEAN => "boolean",
        LUA_TLIGHTUSERDATA or LUA_TUSERDATA => "userdata",
        LUA_TNUMBER => "number",
        LUA_TSTRING => "string",
        LUA_TTABLE => "table",
        LUA_TFUNCTION => "function",
        LUA_TTHREAD => "thread",
        _ => "no value",
    };
}
