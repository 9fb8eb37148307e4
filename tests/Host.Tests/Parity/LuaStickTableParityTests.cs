namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 7: HAProxy's StickTable Lua class (a proxy's <c>stktable</c>,
/// <c>info</c>, <c>lookup</c>, <c>dump</c> with its filters and their errors) read by the same
/// script on HAProxy 2.6 and on ActorProxy, before and after the runtime API fills the tables.</summary>
public sealed class LuaStickTableParityTests : IAsyncLifetime
{
    private const string Script = """
        -- Any value with its Lua type; a table with its keys sorted, integer keys marked '#'. An
        -- entry's milliseconds left differ between runs: 'live' when within the table's expire.
        local function show(value, limit)
          if type(value) ~= "table" then return tostring(value) .. ":" .. (math.type(value) or type(value)) end
          local keys = {}
          for k in pairs(value) do keys[#keys + 1] = k end
          table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
          local parts = {}
          for _, k in ipairs(keys) do
            local v = value[k]
            if k == "expire" and limit and math.type(v) == "integer" and v > 0 and v <= limit then v = "live" end
            parts[#parts + 1] = tostring(k) .. (math.type(k) and "#" or "") .. "=" .. show(v, limit)
          end
          return "{" .. table.concat(parts, " ") .. "}"
        end

        core.register_service("stk", "http", function(applet)
          local web, users, ids, bin = core.frontends.web.stktable, core.backends.users.stktable, core.backends.ids.stktable, core.backends.bin.stktable
          local out = {
            "web info " .. show(web:info()),
            "users info " .. show(users:info()),
            "ids info " .. show(ids:info()),
            "bin info " .. show(bin:info()),
            "plain " .. tostring(core.backends.plain.stktable),
            "web lookup " .. show(web:lookup("127.0.0.1"), 60000),
            "web lookup missing " .. show(web:lookup("10.9.9.9")),
            "web lookup not an address " .. show(web:lookup("not-an-ip")),
            "users lookup " .. show(users:lookup("alice"), 0),
            "users lookup cut " .. show(users:lookup("alice-and-more"), 0),
            "ids lookup number " .. show(ids:lookup(42), 30000),
            "ids lookup word " .. show(ids:lookup("forty-two")),
            "web dump " .. show(web:dump(), 60000),
            "users dump " .. show(users:dump()),
            "users dump filtered " .. show(users:dump({ { "http_req_cnt", "gt", 3 } })),
            "users dump two filters " .. show(users:dump({ { "http_req_cnt", "ge", "1" }, { "http_req_cnt", "lt", 5 } })),
            "ids dump " .. show(ids:dump()),
          }
          local filters = {
            5,
            { { "gpc0", "gt", 1 } },
            { { "http_req_cnt" } },
            { "http_req_cnt", "gt", 1 },
            { { 1, "gt", 1 } },
            { { "http_req_cnt", 1, 1 } },
            { { "http_req_cnt", "xx", 1 } },
            { { "nothing", "gt", 1 } },
            { { "http_req_cnt", "ge", 0 }, { "http_req_cnt", "ge", 0 }, { "http_req_cnt", "ge", 0 }, { "http_req_cnt", "ge", 0 }, { "http_req_cnt", "ge", 0 } },
          }
          for i, filter in ipairs(filters) do
            local ok, result, message = pcall(users.dump, users, filter)
            out[#out + 1] = "filter " .. i .. " " .. tostring(ok) .. " " .. (ok and show(result) or tostring(result)) .. " " .. tostring(message)
          end
          local ok, result, message = pcall(bin.dump, bin)
          out[#out + 1] = "bin dump " .. tostring(ok) .. " " .. (ok and show(result) or tostring(result)) .. " " .. tostring(message)
          local body = table.concat(out, "\n") .. "\n"
          applet:set_status(200)
          applet:add_header("content-length", tostring(#body))
          applet:start_response()
          applet:send(body)
        end)
        """;

    private readonly RuntimeCommandPair _pair = new();

    public async Task InitializeAsync()
    {
        string script = Path.Combine(_pair.Directory.FullName, "stk.lua");
        File.WriteAllText(script, Script);
        (string Proxy, string Table)[] tables =
        [
            ("users", "type string len 8 size 10 store http_req_cnt"),
            ("ids", "type integer size 5 expire 30s store gpc0,gpc0_rate(10s)"),
            ("bin", "type binary len 4 size 5 store gpc0"),
        ];
        const string Web = "type ip size 100 expire 60s store http_req_cnt,http_req_rate(60s),conn_cur,gpc0";
        await _pair.StartAsync($"""
            global
              lua-load {script}
              {_pair.HaproxyStatsSocket}
            defaults
              mode http
              timeout connect 2s
              timeout client 5s
              timeout server 5s
            frontend web
              bind 127.0.0.1:{_pair.HaproxyPort}
              stick-table {Web}
              http-request track-sc0 src
              http-request use-service lua.stk
            {string.Concat(tables.Select(t => $"backend {t.Proxy}\n  stick-table {t.Table}\n"))}
            backend plain

            """, $$"""
              frontends.web {
                bind = "127.0.0.1:{{_pair.ActorProxyPort}}"
                stick-table = "{{Web}}"
                http-request = [ "track-sc0 src", "use-service lua.stk" ]
              }
            {{string.Concat(tables.Select(t => $"  backends.{t.Proxy} {{ stick-table = \"{t.Table}\" }}\n"))}}
              backends.plain { }
            """, ", lua-load = [ \"stk.lua\" ]");
    }

    [Fact]
    public async Task InfoLookupAndDump_ReadAsOnHaproxy_BeforeAndAfterTheTablesFill()
    {
        string empty = await _pair.GetAsync("/", haproxy: true);
        Assert.Equal(empty, await _pair.GetAsync("/", haproxy: false));
        Assert.Contains("users info {data={http_req_cnt=-1:integer} expire=0:integer length=9:integer nopurge=false:boolean size=10:integer type=string:string used=0:integer}", empty);

        string[] commands =
        [
            "set table users key alice data.http_req_cnt 5",
            "set table users key bob data.http_req_cnt 1",
            "set table ids key 42 data.gpc0 3",
            "set table ids key 7 data.gpc0_rate 2",
            "set table bin key 0a0b data.gpc0 1",
        ];
        foreach (string command in commands)
        {
            Assert.Equal(await _pair.AskAsync(command, haproxy: true), await _pair.AskAsync(command, haproxy: false));
        }

        string filled = await _pair.GetAsync("/", haproxy: true);
        Assert.Equal(filled, await _pair.GetAsync("/", haproxy: false));
        Assert.Contains("users dump filtered {alice={http_req_cnt=5:integer}}", filled);
    }

    public async Task DisposeAsync() => await _pair.DisposeAsync();
}
