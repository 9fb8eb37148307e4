using ActorProxy.Runtime.Rules;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// HAProxy's Map class in one state: <c>Map.new(file, method)</c> reads a map file with one of
/// the match methods maps have (str, beg, sub, dir, dom, end, reg, int, ip; str by default), as
/// the map converters read it (<see cref="SampleMap"/>); <c>lookup</c> gives the value of the
/// first key that matches, or nil, <c>slookup</c> the value or an empty string. As HAProxy's,
/// maps are read while the files load, not later, and a relative path is from the current folder.
/// <c>core.add_acl</c> and <c>core.del_acl</c> change a pattern file as the add-acl and del-acl rules do.
/// </summary>
public sealed class LuaMapApi
{
    private const string Internal = "__actorproxy_map";
    private static readonly byte[] Source = LuaResources.Read("ActorProxy.Runtime.Lua.Api.Map.lua");

    private readonly List<(SampleMap Map, bool Integer)> _maps = [];

    private LuaMapApi()
    {
    }

    /// <summary>Installs the <c>Map</c> class into <paramref name="state"/>, and <c>core.set_map</c>
    /// and <c>core.del_map</c>, which change <paramref name="maps"/>.</summary>
    public static LuaMapApi Install(LuaState state, MapReferences maps)
    {
        var api = new LuaMapApi();
        state.Expose(Internal, "load", api.Load);
        state.Expose(Internal, "lookup", api.Lookup);
        // set_map(file, key, value) and del_map(file, key): nil, or HAProxy's message.
        state.Expose(Internal, "set_map", call => maps.Find(call.GetString(1)) is { } map
            ? map.SetOrAdd(call.GetString(2), call.GetString(3)) is { } refusal ? call.Return($"'set_map': {refusal}") : call.ReturnNil()
            : call.Return($"'set_map': unknown map file '{call.GetString(1)}'"));
        state.Expose(Internal, "del_map", call =>
        {
            if (maps.Find(call.GetString(1)) is not { } map)
            {
                return call.Return($"'del_map': unknown acl file '{call.GetString(1)}'");
            }
            map.Delete(call.GetString(2));
            return call.ReturnNil();
        });
        // add_acl(file, key) and del_acl(file, key): nil, or HAProxy's message.
        state.Expose(Internal, "add_acl", call =>
        {
            if (maps.Find(call.GetString(1)) is not { } patterns)
            {
                return call.Return($"'add_acl': unknown acl file '{call.GetString(1)}'");
            }
            AclFileRule.Add(patterns, call.GetString(2));
            return call.ReturnNil();
        });
        state.Expose(Internal, "del_acl", call =>
        {
            if (maps.Find(call.GetString(1)) is not { } patterns)
            {
                return call.Return($"'del_acl': unknown acl file '{call.GetString(1)}'");
            }
            patterns.Delete(call.GetString(2));
            return call.ReturnNil();
        });
        state.RunModule(Source, "map", 0);
        return api;
    }

    // load(file, method name) → id, or nil and HAProxy's message.
    private int Load(LuaCall call)
    {
        string file = call.GetString(1);

        AclMatchMethod? match = call.GetString(2) switch
        {
            "str" => AclMatchMethod.Str,
            "beg" => AclMatchMethod.Beg,
            "sub" => AclMatchMethod.Sub,
            "dir" => AclMatchMethod.Dir,
            "dom" => AclMatchMethod.Dom,
            "end" => AclMatchMethod.End,
            "reg" => AclMatchMethod.Reg,
            "int" => AclMatchMethod.Number,
            "ip" => AclMatchMethod.Ip,
            _ => null,
        };
        if (match is not { } method)
        {
            return call.ReturnNil() + call.Return("'new' doesn't support this match mode.");
        }
        if (!call.State.LoadingFiles)
        {
            return call.ReturnNil() + call.Return("'new': map: cannot load map at runtime.");
        }
        try
        {
            _maps.Add((SampleMap.Load(Path.GetFullPath(file), file, method, SampleType.Str), method == AclMatchMethod.Number));
            return call.Return((long)_maps.Count);
        }
        catch (SampleSyntaxException e)
        {
            return call.ReturnNil() + call.Return($"'new': {e.Message}.");
        }
    }

    // lookup(id, key) → the value, or nil. An integer map takes an integer key, the others a string.
    private int Lookup(LuaCall call)
    {
        var (map, integer) = _maps[(int)call.GetInteger(1) - 1];
        object key = integer ? call.GetInteger(2) : call.GetString(2);
        return map.Lookup(key) is string value ? call.Return(value) : call.ReturnNil();
    }
}
