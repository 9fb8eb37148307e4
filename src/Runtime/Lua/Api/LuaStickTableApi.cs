using ActorProxy.Runtime.Stick;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// HAProxy's StickTable class (hlua_fcn.c: hlua_stktable_info, _lookup, _dump), a proxy's
/// <c>stktable</c>: what the table is, one entry by key, or every entry that passes up to four
/// filters, each entry's stored data read across the cluster as the fetches read it. Proxy.lua
/// holds the class; these are the calls it makes.
/// </summary>
internal static class LuaStickTableApi
{
    /// <summary>Adds the class's calls to <paramref name="state"/>'s <paramref name="internalTable"/>.</summary>
    public static void Expose(LuaState state, string internalTable, StickTables tables)
    {
        // stk_info(name) → the table's attributes, and its data types with their periods (-1: no rate).
        state.Expose(internalTable, "stk_info", call =>
        {
            var table = tables.Find(call.GetString(1))!;
            var settings = table.Settings;
            // A string key's size counts its terminating NUL, as HAProxy's key_size does.
            long length = settings.KeyLength + (settings.Type == StickKeyType.Text ? 1 : 0);
            return call.ReturnFields([
                new("type", settings.TypeName), new("length", length), new("size", (long)settings.Size),
                new("used", (long)table.Count), new("expire", settings.Expire)]) +
                call.ReturnFields(StickDataTypes.All.Where(settings.Stores.ContainsKey)
                    .Select(t => KeyValuePair.Create(StickDataTypes.Name(t), (object?)(StickDataTypes.IsRate(t) ? (long)settings.Stores[t] : -1L))));
        });
        // stk_lookup(name, key) → use, expire and the data of the key's entry, or nil.
        state.Expose(internalTable, "stk_lookup", call =>
        {
            var table = tables.Find(call.GetString(1))!;
            if (StickKey.FromSample(call.GetString(2), table.Settings) is not { } key || table.Lookup(key) is not { } entry)
            {
                return call.ReturnNil();
            }
            long expire = entry.ExpireAt == 0 ? 0 : Math.Max(0, entry.ExpireAt - table.Now);
            return call.ReturnFields([new("use", (long)entry.Trackers), new("expire", expire), .. Data(table, entry)]);
        });
        // stk_dump(name, type, op, value, …) → each entry's data by key; nil for a binary key.
        state.Expose(internalTable, "stk_dump", call =>
        {
            var table = tables.Find(call.GetString(1))!;
            var filters = new List<StickFilter>();
            for (int at = 2; at + 2 <= call.ArgumentCount; at += 3)
            {
                filters.Add(new StickFilter(StickDataTypes.Find(call.GetString(at))!.Value, call.GetString(at + 1), call.GetInteger(at + 2)));
            }
            var entries = table.Entries().Where(e => filters.All(f => f.Matches(table, e))).ToList();
            // HAProxy cannot name a binary key in Lua: it fails at the first entry it would give.
            if (table.Settings.Type == StickKeyType.Binary && entries.Count > 0)
            {
                return call.ReturnNil();
            }
            return call.ReturnFieldTables(entries.Select(e => (KeyOf(table, e), Data(table, e))));
        });
    }

    private static IEnumerable<KeyValuePair<string, object?>> Data(StickTable table, StickEntry entry)
    {
        long now = table.Now;
        return StickDataTypes.All.Where(table.Settings.Stores.ContainsKey)
            .Select(t => KeyValuePair.Create(StickDataTypes.Name(t), (object?)entry.Read(t, now)))
            .ToList();
    }

    // An integer table's keys are Lua integers; the others' strings.
    private static object KeyOf(StickTable table, StickEntry entry) =>
        table.Settings.Type == StickKeyType.Number ? long.Parse(entry.Key, System.Globalization.CultureInfo.InvariantCulture) : entry.Key;
}
