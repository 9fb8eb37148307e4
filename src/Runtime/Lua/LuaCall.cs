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

    /// <summary>Argument <paramref name="arg"/>, a string, as raw bytes (Lua strings are byte strings).</summary>
    public byte[] GetBytes(int arg)
    {
        if (lua_type(_thread, arg) is not (LUA_TSTRING or LUA_TNUMBER))
        {
            throw BadArgument(arg, Expected("string", arg));
        }
        nuint length;
        byte* bytes = lua_tolstring(_thread, arg, &length);
        return new ReadOnlySpan<byte>(bytes, checked((int)length)).ToArray();
    }

    /// <summary>Returns raw bytes as a Lua string.</summary>
    public int Return(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            lua_pushlstring(_thread, p, (nuint)bytes.Length);
        }
        return 1;
    }

    /// <summary>Argument <paramref name="arg"/> as Lua truth: false only for nil and false.</summary>
    public bool GetBoolean(int arg) => lua_toboolean(_thread, arg) != 0;

    /// <summary>Argument <paramref name="arg"/> as a sample: a string, a long (integral numbers),
    /// a bool, or null for nil; other types are refused.</summary>
    public object? GetSample(int arg)
    {
        switch (lua_type(_thread, arg))
        {
            case LUA_TNIL:
            case -1:
                return null;
            case LUA_TBOOLEAN:
                return lua_toboolean(_thread, arg) != 0;
            case LUA_TNUMBER:
                int isInteger;
                long integer = lua_tointegerx(_thread, arg, &isInteger);
                return isInteger != 0 ? integer : ToManagedString(_thread, arg);
            case LUA_TSTRING:
                return ToManagedString(_thread, arg);
            default:
                throw BadArgument(arg, Expected("string, number or boolean", arg));
        }
    }

    /// <summary>Returns a sample (see <see cref="GetSample"/>): nil for null.</summary>
    public int ReturnSample(object? sample) => sample switch
    {
        null => ReturnNil(),
        string s => Return(s),
        long n => Return(n),
        int n => Return((long)n),
        bool b => Return(b),
        double d => Return(d),
        // Binary samples are Lua strings of those bytes, addresses their text, as in HAProxy.
        byte[] bytes => Return((ReadOnlySpan<byte>)bytes),
        _ => Return(Samples.SampleValue.AsString(sample)),
    };

    /// <summary>Returns header fields as HAProxy's Lua API gives them: a table from the
    /// lower-case name to an array of values indexed from 0.</summary>
    public int ReturnHeaders(IEnumerable<KeyValuePair<string, string>> fields)
    {
        lua_createtable(_thread, 0, 8);
        int table = lua_gettop(_thread);
        foreach (var (name, value) in fields)
        {
            PushString(_thread, name.ToLowerInvariant());
            if (lua_rawget(_thread, table) != LUA_TTABLE)
            {
                lua_pop(_thread, 1);
                lua_createtable(_thread, 2, 0);
                PushString(_thread, name.ToLowerInvariant());
                lua_pushvalue(_thread, -2);
                lua_rawset(_thread, table);
            }
            long next = 0;
            while (lua_rawgeti(_thread, -1, next) != LUA_TNIL)
            {
                lua_pop(_thread, 1);
                next++;
            }
            lua_pop(_thread, 1);
            PushString(_thread, value);
            lua_rawseti(_thread, -2, next);
            lua_pop(_thread, 1);
        }
        return 1;
    }

    /// <summary>Returns a table of fields by name, as HAProxy's <c>get_stats</c> gives them: a
    /// <see cref="long"/> is an integer, a <see cref="string"/> a string, and a null value is left
    /// out (it reads as nil).</summary>
    public int ReturnFields(IEnumerable<KeyValuePair<string, object?>> fields)
    {
        PushFields(fields);
        return 1;
    }

    /// <summary>Returns a table of field tables (<see cref="ReturnFields"/>), each under its key:
    /// a <see cref="long"/> key is an integer, a <see cref="string"/> a string.</summary>
    public int ReturnFieldTables(IEnumerable<(object Key, IEnumerable<KeyValuePair<string, object?>> Fields)> tables)
    {
        lua_createtable(_thread, 0, 0);
        foreach (var (key, fields) in tables)
        {
            PushValue(key, "key");
            PushFields(fields);
            lua_rawset(_thread, -3);
        }
        return 1;
    }

    private void PushFields(IEnumerable<KeyValuePair<string, object?>> fields)
    {
        lua_createtable(_thread, 0, 32);
        foreach (var (name, value) in fields)
        {
            if (value is null)
            {
                continue;
            }
            PushString(_thread, name);
            PushValue(value, name);
            lua_rawset(_thread, -3);
        }
    }

    private void PushValue(object value, string what)
    {
        switch (value)
        {
            case long number:
                lua_pushinteger(_thread, number);
                break;
            case string text:
                PushString(_thread, text);
                break;
            default:
                throw new ArgumentException($"field '{what}': a {value.GetType().Name} is no Lua value here", nameof(value));
        }
    }

    /// <summary>Returns a list of byte strings: a table indexed from 1.</summary>
    public int ReturnList(IReadOnlyList<byte[]> items)
    {
        lua_createtable(_thread, items.Count, 0);
        for (int i = 0; i < items.Count; i++)
        {
            Return(items[i]);
            lua_rawseti(_thread, -2, i + 1);
        }
        return 1;
    }

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
