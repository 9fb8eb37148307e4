namespace ActorProxy.Host.Tests.Parity;

/// <summary>The behaviours checked against HAProxy 2.6, by area of configuration.txt.</summary>
public static class HaproxyParityCases
{
    private static readonly (string, string)[] List = [("x-list", "a, b, c")];

    // Counts the requests of a connection in a sess variable.
    private static readonly string[] SessionCounter =
    [
        "http-request set-var(sess.n) int(1),add(sess.n) if { var(sess.n) -m found }",
        "http-request set-var(sess.n) int(1) unless { var(sess.n) -m found }",
        "http-request set-header x-v %[var(sess.n)]",
    ];

    /// <summary>Files the cases read (<c>$DIR</c> is the configuration folder): the Lua file and pattern files.</summary>
    public static readonly (string Name, string Text)[] Files =
    [
        ("parity.lua", """
            -- A service's answer: 200 and its lines.
            local function answer(applet, lines)
              local body = table.concat(lines, "\n") .. "\n"
              applet:set_status(200)
              applet:add_header("content-length", tostring(#body))
              applet:start_response()
              applet:send(body)
            end
            core.register_action("fail", { "http-req" }, function(txn) error("action broke") end)
            core.register_action("spin", { "http-req" }, function(txn) while true do end end)
            core.register_fetches("fails", function(txn) error("fetch broke") end)
            core.register_service("broken", "http", function(applet) error("service broke") end)
            core.register_service("slow", "http", function(applet) while true do end end)
            core.register_service("hello", "http", function(applet)
              local body = "hello " .. applet.path .. "\n"
              applet:set_status(200)
              applet:add_header("content-type", "text/plain")
              applet:add_header("content-length", tostring(#body))
              applet:start_response()
              applet:send(body)
            end)
            for _, n in ipairs({ "CONTINUE", "STOP", "ERROR", "DONE", "DENY", "ABORT", "INVALID" }) do
              core.register_action("ret_" .. n:lower(), { "http-req", "http-res" }, function(txn) return act[n] end)
            end
            -- An HTTP transaction's channels: which is the response's, and HAProxy's refusal to touch their bytes.
            core.register_action("channels", { "http-req" }, function(txn)
              local out = { "resp=" .. tostring(txn.req:is_resp()) .. "," .. tostring(txn.res:is_resp()) }
              for _, call in ipairs({ { "get" }, { "dup" }, { "getline" }, { "data" }, { "line" }, { "remove" }, { "append", "x" },
                  { "prepend", "x" }, { "insert", "x" }, { "set", "x" }, { "send", "x" }, { "forward", 1 } }) do
                local ok, e = pcall(txn.req[call[1]], txn.req, table.unpack(call, 2))
                out[#out + 1] = call[1] .. "=" .. tostring(ok) .. ":" .. tostring(e)
              end
              txn.http:req_set_header("x-channels", table.concat(out, " "))
            end)
            -- What the fetch and converter classes give for no sample: nil from f and c, "" from sf and sc.
            core.register_action("absent", { "http-req" }, function(txn)
              txn.http:req_set_header("x-absent", string.format("f=%s sf=[%s] c=%s sc=[%s] sfh=[%s]", tostring(txn.f:req_hdr("x-none")),
                tostring(txn.sf:req_hdr("x-none")), tostring(txn.c:field(txn.sf:req_hdr("x-none"), 5, ",")), tostring(txn.sc:field("", 5, ",")),
                txn.sf:req_hdr("host")))
            end)
            core.register_action("cors", { "http-req" }, function(txn) txn:set_var("txn.cors", "req") end)
            core.register_action("cors", { "http-res" }, function(txn)
              txn.http:res_set_header("x-cors", "res " .. (txn:get_var("txn.cors") or "?"))
            end)
            core.register_action("reply", { "http-req" }, function(txn)
              local r = txn:reply({ status = 201, reason = "Made", headers = { ["x-r"] = { "1", "2" }, ["x-s"] = "s" }, body = "made" })
              r:add_header("x-added", "yes")
              txn:done(r)
            end)
            core.register_action("reply_built", { "http-req", "http-res" }, function(txn)
              local r = txn:reply()
              r:set_status(409, "Clash")
              r:set_body("clash")
              r:add_header("content-type", "text/plain")
              r:add_header("x-gone", "1")
              r:del_header("x-gone")
              txn:done(r)
            end)
            core.register_action("done_plain", { "http-req" }, function(txn) txn:done() end)
            core.register_action("vars", { "http-req" }, function(txn)
              local results = {
                txn:set_var("proc.declared", "p1", true), txn:set_var("proc.undeclared", "p2", true),
                txn:set_var("proc.created", "p3"), txn:set_var("txn.t", "t1", true), txn:set_var("bogus.x", "z"),
                txn:set_var("res.early", "r"), txn:unset_var("txn.none"), txn:unset_var("bogus.y"),
              }
              for i, r in ipairs(results) do results[i] = tostring(r) end
              txn.http:req_set_header("x-lua", table.concat(results, ","))
              txn.http:req_set_header("x-lua2", tostring(txn:get_var("proc.created")) .. "|" .. tostring(txn:get_var("proc.declared")))
            end)
            core.register_action("swap", { "http-req" }, function(txn)
              txn.http:req_rep_header("x-a", "(.*)-(.*)", "\\2-\\1")
            end)
            core.register_action("teapot", { "http-res" }, function(txn) txn.http:res_set_status(418, "I'm a coffeepot") end)
            core.register_action("plain_status", { "http-res" }, function(txn) txn.http:res_set_status(299) end)
            core.register_service("up", "http", function(applet)
              applet:set_status(200, "UP")
              applet:add_header("content-type", "text/plain")
              applet:add_header("content-length", "2")
              applet:start_response()
              applet:send("up")
            end)
            core.register_service("unstarted", "http", function(applet) applet:set_status(201) end)
            core.register_service("early_send", "http", function(applet) applet:send("too soon") end)
            core.register_service("unsized", "http", function(applet)
              applet:start_response()
              applet:send("no content-length: ")
              applet:send("chunked")
            end)
            core.register_service("helpers", "http", function(applet)
              local out = {}
              local function add(v) out[#out + 1] = tostring(v) end
              add(table.concat(core.tokenize("a,b;;c", ",;"), "|"))
              add(table.concat(core.tokenize("a,b;;c", ",;", true), "|"))
              add(table.concat(core.tokenize(",x,", ","), "|"))
              local net, host = core.parse_addr("10.0.0.0/8"), core.parse_addr("10.1.2.3")
              add(core.match_addr(net, host)); add(core.match_addr(host, net))
              add(core.match_addr(core.parse_addr("192.168.0.0/16"), host))
              add(core.match_addr(core.parse_addr("2001:db8::/32"), core.parse_addr("2001:db8::1")))
              add(core.match_addr(net, core.parse_addr("2001:db8::1")))
              add(core.parse_addr("not an address")); add(core.parse_addr("127.1") ~= nil)
              add(core.http_date("Sun, 06 Nov 1994 08:49:37 GMT")); add(core.http_date("Sunday, 06-Nov-94 08:49:37 GMT"))
              add(core.http_date("Sun Nov  6 08:49:37 1994")); add(core.imf_date("Sun, 06 Nov 1994 08:49:37 GMT"))
              add(core.imf_date("Sunday, 06-Nov-94 08:49:37 GMT")); add(core.rfc850_date("Thursday, 01-Jan-70 00:00:01 GMT"))
              add(core.rfc850_date("Monday, 01-Jan-01 00:00:00 GMT")); add(core.asctime_date("Sun Nov  6 08:49:37 1994"))
              add(core.http_date("yesterday")); add(core.imf_date("Mon, 06 Nov 1994 08:49:37 GMT"))
              local body = table.concat(out, "\n") .. "\n"
              applet:set_status(200)
              applet:add_header("content-type", "text/plain")
              applet:add_header("content-length", tostring(#body))
              applet:start_response()
              applet:send(body)
            end)
            core.register_service("odd", "http", function(applet)
              applet:set_status(299)
              applet:add_header("content-length", "0")
              applet:start_response()
            end)
            -- core.set_map and core.del_map on the configuration's map of a file, and their errors.
            core.register_action("remap", { "http-req" }, function(txn)
              core.set_map("$DIR/lua.map", "k", "changed")
              core.set_map("$DIR/lua.map", "added", "new")
              core.del_map("$DIR/lua.map", "gone")
              local errors = {}
              for _, call in ipairs({ function() core.set_map("$DIR/none.map", "a", "b") end, function() core.del_map("$DIR/none.map", "a") end,
                  function() core.set_map("$DIR/lua.map", "a") end, function() core.del_map("$DIR/lua.map", {}) end }) do
                local _, e = pcall(call)
                errors[#errors + 1] = (tostring(e):gsub("^.-([^/]+:%d+:)", "%1"):gsub("'[^']*/none.map'", "'none.map'"))
              end
              txn:set_var("txn.errors", table.concat(errors, " | "))
            end)
            -- The Map class: maps read while the file loads, looked up by a service.
            local host_map = Map.new("$DIR/hosts.map", Map._str)
            local path_map = Map.new("$DIR/paths.map", Map._beg)
            local net_map = Map.new("$DIR/nets.map", Map._ip)
            local int_map = Map.new("$DIR/ints.map", Map._int)
            local default_map = Map.new("$DIR/hosts.map")
            core.register_service("maps", "http", function(applet)
              local out = {
                "str=" .. tostring(host_map:lookup("example.com")), "missing=" .. tostring(host_map:lookup("missing")),
                "slookup=[" .. host_map:slookup("missing") .. "]", "dup=" .. tostring(host_map:lookup("dup")),
                "number=" .. tostring(host_map:lookup(5)), "beg=" .. tostring(path_map:lookup("/api/v2/x")),
                "ip=" .. tostring(net_map:lookup("10.1.2.3")), "ip6=" .. tostring(net_map:lookup("::1")),
                "int=" .. tostring(int_map:lookup(7)), "default=" .. tostring(default_map:lookup("www.example.com")),
                "methods=" .. Map._str .. "," .. Map.str .. "," .. Map._ip .. "," .. Map._int .. "," .. Map._reg .. "," .. Map._regm .. "," .. Map._found,
              }
              for _, args in ipairs({ { "$DIR/hosts.map", Map._str }, { "$DIR/hosts.map", Map._found }, {}, { "$DIR/hosts.map", 99 } }) do
                local _, e = pcall(Map.new, table.unpack(args))
                out[#out + 1] = tostring(e)
              end
              local _, e = pcall(host_map.lookup, host_map)
              out[#out + 1] = tostring(e)
              answer(applet, out)
            end)
            -- A Socket's addresses, before, while and after it is connected to the origin.
            core.register_service("socket", "http", function(applet)
              local host, port = ("$ORIGIN"):match("^(.*):(%d+)$")
              local socket = core.tcp()
              local out = { "before=" .. tostring(socket:getpeername()) .. "," .. tostring(socket:getsockname()), "option=" .. select("#", socket:setoption("tcp-nodelay", true)) }
              out[#out + 1] = "connect=" .. tostring(socket:connect(host, tonumber(port)))
              out[#out + 1] = "peer=" .. tostring(socket:getpeername() == "$ORIGIN") .. " local=" .. tostring(socket:getsockname():match("^127%.0%.0%.1:%d+$") ~= nil)
              socket:send("GET /socket HTTP/1.0\r\n\r\n")
              out[#out + 1] = "status=" .. tostring(socket:receive("*l"))
              socket:close()
              out[#out + 1] = "closed=" .. tostring(socket:getpeername())
              answer(applet, out)
            end)
            -- Socket:connect's address forms and errors, on the origin and where nothing listens.
            core.register_service("connect_forms", "http", function(applet)
              local host, port = ("$ORIGIN"):match("^(.*):(%d+)$")
              local closed_host, closed_port = ("$CLOSED"):match("^(.*):(%d+)$")
              local out = {}
              for _, args in ipairs({ { host, tonumber(port) }, { "$ORIGIN" }, { "ipv4@$ORIGIN" }, { host }, { "no address", 80 },
                  { "$CLOSED" }, { closed_host, tonumber(closed_port) }, { "ipv6@::1", tonumber(closed_port) }, { "unix@/nonexistent/socket" }, {} }) do
                local socket = core.tcp()
                local ok, result, reason = pcall(socket.connect, socket, table.unpack(args))
                out[#out + 1] = table.concat(args, " ") .. " => " .. tostring(ok) .. " " .. (tostring(result):gsub("^.-([^/]+:%d+:)", "%1")) .. " " .. tostring(reason)
                socket:close()
              end
              answer(applet, out)
            end)
            -- The Regex class: compiled in the file's body, used by a service.
            local _, needle = Regex.new("needle (..) (...)", true)
            local _, anycase = Regex.new("^hello(-(world))?(x)?", false)
            core.register_service("regex", "http", function(applet)
              local out = { "exec=" .. tostring(needle:exec("Looking for a needle in the haystack")), "miss=" .. tostring(needle:exec("a cat")),
                "class=" .. tostring(Regex.exec(needle, "needle ab cde")) }
              for _, subject in ipairs({ "Looking for a needle in the haystack", "no", "HELLO-world", "hello", "hellox" }) do
                for _, regex in ipairs({ needle, anycase }) do
                  local ok, list = regex:match(subject)
                  out[#out + 1] = subject .. ": " .. tostring(ok) .. " [" .. table.concat(list, "|") .. "] " .. #list
                end
              end
              local ok, refusal = Regex.new("(", true)
              out[#out + 1] = "bad=" .. tostring(ok) .. " " .. type(refusal)
              out[#out + 1] = "long=" .. tostring(needle:exec(string.rep("x", 20000) .. "needle ab cde"))
              for _, call in ipairs({ function() Regex.new("x") end, function() Regex.new() end, function() needle:exec() end }) do
                local _, e = pcall(call)
                out[#out + 1] = (tostring(e):gsub("^.-([^/]+:%d+:)", "%1"))
              end
              answer(applet, out)
            end)
            -- core.httpclient(): the answer as text, each header by name and index, and the body
            -- (an origin echo's fields sorted: the origin's server does not keep their order).
            local function hc_dump(r)
              local out = { "status=" .. tostring(r.status), "reason=" .. tostring(r.reason) }
              local names = {}
              for name in pairs(r.headers) do if name ~= "date" then names[#names + 1] = name end end
              table.sort(names)
              for _, name in ipairs(names) do
                local values = r.headers[name]
                for i = 0, #values do out[#out + 1] = name .. "[" .. i .. "]=" .. tostring(values[i]) end
              end
              local lines = {}
              for line in (r.body or ""):gmatch("[^\n]+") do lines[#lines + 1] = line end
              if lines[2] == "x-backend: origin" then
                local first = table.remove(lines, 1)
                table.sort(lines)
                table.insert(lines, 1, first)
              end
              out[#out + 1] = "body (" .. #(r.body or "") .. " bytes):"
              for _, line in ipairs(lines) do out[#out + 1] = line end
              return table.concat(out, "\n") .. "\n"
            end
            local function hc_answer(applet, text)
              applet:set_status(200)
              applet:add_header("content-type", "text/plain")
              applet:add_header("content-length", tostring(#text))
              applet:start_response()
              applet:send(text)
            end
            core.register_service("hc_post", "http", function(applet)
              hc_answer(applet, hc_dump(core.httpclient():post{ url = "http://$ORIGIN/hc?y=1", headers = { ["x-a"] = { "1" }, ["x-b"] = { "2" } }, body = "hello" }))
            end)
            core.register_service("hc_get", "http", function(applet)
              hc_answer(applet, hc_dump(core.httpclient():get{ url = "http://$ORIGIN/get", headers = { ["user-agent"] = { "mine" }, accept = { "text/plain" }, skipped = "x" } }))
            end)
            core.register_service("hc_head", "http", function(applet)
              hc_answer(applet, hc_dump(core.httpclient():head{ url = "http://$ORIGIN/head" }))
            end)
            core.register_service("hc_put_delete", "http", function(applet)
              hc_answer(applet, hc_dump(core.httpclient():put{ url = "http://$ORIGIN/put", body = "data" }) ..
                hc_dump(core.httpclient():delete{ url = "http://$ORIGIN/delete" }))
            end)
            core.register_service("hc_self", "http", function(applet)
              hc_answer(applet, hc_dump(core.httpclient():get{ url = "http://127.0.0.1:" .. applet.sf:dst_port() .. "/multi" }))
            end)
            core.register_service("hc_dst", "http", function(applet)
              hc_answer(applet, hc_dump(core.httpclient():get{ url = "http://service.invalid/dst", dst = "ipv4@$ORIGIN" }))
            end)
            core.register_service("hc_refused", "http", function(applet)
              hc_answer(applet, hc_dump(core.httpclient():get{ url = "http://$CLOSED/" }))
            end)
            core.register_service("hc_errors", "http", function(applet)
              local hc = core.httpclient()
              local calls = {
                function() local r = hc:get("x") return r end,
                function() local r = hc:get{ uri = "x" } return r end,
                function() local r = hc:get{ timeout = 10 } return r end,
                function() local r = hc:get{ url = 5 } return r end,
                function() local r = hc:get{ url = "http://x/", timeout = "1" } return r end,
                function() local r = hc:post{ url = "http://x/", body = {} } return r end,
                function() local r = hc:get{ url = "http://x/", headers = "x" } return r end,
                function() local r = hc:get({ url = "x" }, 2) return r end,
              }
              local out = {}
              for _, call in ipairs(calls) do
                local _, e = pcall(call)
                out[#out + 1] = (tostring(e):gsub("^.-([^/]+:%d+:)", "%1"))
              end
              hc_answer(applet, table.concat(out, "\n") .. "\n")
            end)
            core.register_action("hc_tag", { "http-req" }, function(txn)
              local r = core.httpclient():get{ url = "http://$ORIGIN/tag" }
              txn.http:req_set_header("x-hc", r.status .. " " .. #r.body)
            end)
            """),
        ("blocked.lst", "# paths no one may fetch\n/blocked\n\n  /also-blocked  \n"),
        // Map files (the map_* converters): comments, empty lines, spaces around keys and values,
        // a key twice, values with spaces.
        ("hosts.map", "# host to pool\nexample.com pool-a\n  www.example.com\t pool-b  \n\ndup first\ndup second\nspaced   a value with spaces   \nbare\n"),
        ("paths.map", "/api/v2 v2\n/api v1\n/static static\n.png image\nadmin admin-word\n"),
        ("domains.map", "example.com site\nexample dom-word\n"),
        ("regex.map", "^/user/[0-9]+$ user-id\n^/user/ user-any\n[.]css$ style\n"),
        ("ints.map", "100 hundred\n1:10 small\n11-20 teen\n50: fifty-up\n"),
        ("nets.map", "10.0.0.0/8 ten\n10.1.0.0/16 ten-one\n192.168.1.1 one-host\n::1 v6-loopback\n2001:db8::/32 doc6\n"),
        ("numbers.map", "five 5\nminus -3\nbig 9000000000\n"),
        ("lua.map", "k first\ngone soon\n"),
        ("backends.map", "parity.test second\nother.test origin\n"),
        ("addresses.map", "a 10.0.0.1\nb ::1\n"),
    ];

    /// <summary>Every case.</summary>
    public static readonly List<ParityCase> All =
    [
        // The HTTP/1 parser's refusals (issue #12, point 7), as bytes on the wire.
        new("request with a control character in a header name: 400", [],
            Raw: "GET / HTTP/1.1\r\nHost: parity.test\r\nX-A\u0001b: 1\r\nConnection: close\r\n\r\n", Expect: "400 Bad request"),
        new("Content-Length with a plus sign: 400", [],
            Raw: "POST / HTTP/1.1\r\nHost: parity.test\r\nContent-Length: +5\r\nConnection: close\r\n\r\nhello", Expect: "400 Bad request"),
        new("Content-Length -0: 400", [],
            Raw: "POST / HTTP/1.1\r\nHost: parity.test\r\nContent-Length: -0\r\nConnection: close\r\n\r\n", Expect: "400 Bad request"),
        new("Content-Length with leading zeros and spaces: a length, the next request after it", ["http-request return status 200 content-type text/plain lf-string %[path]"],
            Raw: "POST / HTTP/1.1\r\nHost: parity.test\r\nContent-Length:  05 \r\n\r\nhello" +
                "GET /second HTTP/1.1\r\nHost: parity.test\r\nConnection: close\r\n\r\n", Expect: "/second"),
        new("second request of a connection with a signed Content-Length: the first answered, then 400", [],
            Raw: "POST / HTTP/1.1\r\nHost: parity.test\r\nContent-Length: 25\r\n\r\nX\r\nContent-Length: +5\r\n\r\n" +
                "POST /second HTTP/1.1\r\nHost: parity.test\r\nContent-Length: +1\r\n\r\nx", Expect: "400 Bad request"),
        new("chunked body whose chunk size overflows: 400", [],
            Raw: "POST / HTTP/1.1\r\nHost: parity.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nab\r\n0\r\n\r\n", Expect: "400 Bad request"),
        // option forwardfor, after the rules (so a rule does not see the field).
        new("option forwardfor", ["option forwardfor"]),
        new("option forwardfor header", ["option forwardfor header X-Client"]),
        new("option forwardfor except the client's network", ["option forwardfor except 127.0.0.0/8"]),
        new("option forwardfor if-none, the field present", ["option forwardfor if-none"], Headers: [("X-Forwarded-For", "192.0.2.1")]),
        new("option forwardfor if-none, the field absent", ["option forwardfor if-none"]),
        new("option forwardfor: the rules run before it", ["option forwardfor", "http-request set-header x-saw %[req.hdr_cnt(x-forwarded-for)]"]),
        // Timeouts on a connection left idle or a request left unfinished; each answer is read to
        // the connection's close, so both proxies closed it.
        new("keep-alive connection left idle: answered, then closed at timeout http-keep-alive",
            ["timeout http-keep-alive 200ms", "http-request return status 200 content-type text/plain string ok"],
            Raw: "GET / HTTP/1.1\r\nHost: parity.test\r\n\r\n", Expect: "200"),
        new("second request's head cut short: 408 at timeout http-request",
            ["timeout http-keep-alive 5s", "timeout http-request 300ms", "http-request return status 200 content-type text/plain string ok"],
            Raw: "GET / HTTP/1.1\r\nHost: parity.test\r\n\r\nGET /second HTTP/1.1\r\nHost: pa", Expect: "200"),
        new("body cut short with timeout client: what HAProxy answers",
            ["timeout client 300ms", "timeout http-request 5s", "http-request return status 200 content-type text/plain string ok"],
            Raw: "POST / HTTP/1.1\r\nHost: parity.test\r\nContent-Length: 10\r\n\r\nhello"),
        // The map converters (configuration.txt 7.3.1, map), on map files read when the configuration is.
        new("map: str keys, default, a key twice, spaces, comments", [
            "http-request return status 200 content-type text/plain lf-string \"a=%[str(example.com),map($DIR/hosts.map,none)] b=%[str(www.example.com),map($DIR/hosts.map)] " +
            "c=%[str(missing),map($DIR/hosts.map,none)] d=%[str(dup),map($DIR/hosts.map)] e=%[str(spaced),map_str($DIR/hosts.map)] f=%[str(bare),map($DIR/hosts.map,x)] " +
            "g=%[str(missing),map($DIR/hosts.map)] h=%[str(Example.com),map($DIR/hosts.map,case)] i=%[str(#),map($DIR/hosts.map,none)]\""], Expect: "a=pool-a"),
        new("map: a header looked up", ["http-request set-header x-pool %[req.hdr(x-k),lower,map($DIR/hosts.map,default-pool)]"],
            Headers: [("x-k", "WWW.Example.COM")], Expect: "x-pool: pool-b"),
        // Each of sub, end, dir and dom sees its own input: HAProxy 2.6 shares their pattern cache
        // (docs/haproxy-compat.md).
        new("map: beg, sub, end, dir, dom, reg: the first key that matches, in the file's order", [
            "http-request return status 200 content-type text/plain lf-string \"beg=%[path,map_beg($DIR/paths.map,no)] sub=%[str(/x/static/y),map_sub($DIR/paths.map,no)] end=%[path,map_end($DIR/paths.map,no)] " +
            "dir=%[str(/q/admin/r),map_dir($DIR/paths.map,no)] dir2=%[str(/q/administrator),map_dir($DIR/paths.map,no)] dom=%[req.hdr(x-k),map_dom($DIR/domains.map,no)] reg=%[path,map_reg($DIR/regex.map,no)] reg2=%[str(/user/42),map_reg($DIR/regex.map,no)]\""],
            Path: "/api/v2/admin/logo.png", Headers: [("x-k", "www.example.com")], Expect: "beg="),
        new("map: int keys and ranges", [
            "http-request return status 200 content-type text/plain lf-string \"a=%[int(100),map_int($DIR/ints.map,no)] b=%[int(7),map_int($DIR/ints.map,no)] c=%[int(15),map_int($DIR/ints.map,no)] " +
            "d=%[int(75),map_int($DIR/ints.map,no)] e=%[int(30),map_int($DIR/ints.map,no)] f=%[str(12),map_int($DIR/ints.map,no)]\""], Expect: "a=hundred"),
        new("map: ip keys, the longest network wins", [
            "http-request return status 200 content-type text/plain lf-string \"a=%[str(10.1.2.3),map_ip($DIR/nets.map,no)] b=%[str(10.2.3.4),map_ip($DIR/nets.map,no)] c=%[str(192.168.1.1),map_ip($DIR/nets.map,no)] " +
            "d=%[str(192.168.1.2),map_ip($DIR/nets.map,no)] e=%[src,map_ip($DIR/nets.map,no)] f=%[str(2001:db8::5),map_ip($DIR/nets.map,no)]\""], Expect: "a=ten-one"),
        new("map: int and ip outputs, and what follows them", [
            "http-request return status 200 content-type text/plain lf-string \"a=%[str(five),map_str_int($DIR/numbers.map,0),add(1)] b=%[str(minus),map_str_int($DIR/numbers.map)] " +
            "d=%[str(none),map_str_int($DIR/numbers.map,42)] e=%[str(a),map_str_ip($DIR/addresses.map)] f=%[str(b),map_str_ip($DIR/addresses.map)] h=%[str(big),map_str_int($DIR/numbers.map)]\""],
            Expect: "a=6"),
        // use_backend with a log-format: resolved when the request comes.
        new("dynamic use_backend: the name a header gives", ["use_backend %[req.hdr(x-be)]"], Headers: [("x-be", "second")], Expect: "x-backend: second"),
        new("dynamic use_backend: a name that is no backend takes the default, no later rule", ["use_backend %[req.hdr(x-be)]", "use_backend second"],
            Headers: [("x-be", "nope")], Expect: "x-backend: origin"),
        new("dynamic use_backend: chosen by a map of the Host", ["use_backend %[req.hdr(host),lower,map($DIR/backends.map,origin)]"], Expect: "x-backend: second"),
        new("dynamic use_backend: with a condition and a prefix", ["use_backend sec%[req.hdr(x-be)] if { req.hdr(x-be) -m found }"],
            Headers: [("x-be", "ond")], Expect: "x-backend: second"),
        new("map: in an ACL, -m found", [
            "acl known req.hdr(x-k),map($DIR/hosts.map) -m found",
            "http-request return status 200 content-type text/plain string known if known",
            "http-request return status 404 content-type text/plain string unknown"], Headers: [("x-k", "dup")], Expect: "known"),
        new("map: in an ACL, the value compared", [
            "acl pool-a req.hdr(x-k),map($DIR/hosts.map) -m str pool-a",
            "http-request return status 200 content-type text/plain string a if pool-a",
            "http-request return status 404 content-type text/plain string other"], Headers: [("x-k", "example.com")], Expect: "200"),
        new("Lua Map class: lookups, slookup, its methods' numbers, its errors", ["http-request use-service lua.maps"], Expect: "str=pool-a"),
        new("Lua Socket: getpeername, getsockname and setoption before, while and after a connection", ["http-request use-service lua.socket"], Expect: "peer=true"),
        new("Lua Socket: connect's address forms (ADDR with a port, ADDR:PORT, ipv4@, ipv6@, unix@) and its errors", ["http-request use-service lua.connect_forms"], Expect: "=> true 1"),
        new("Lua Regex class: exec, match with its groups, case, a bad regex, a subject past a buffer, its errors", ["http-request use-service lua.regex"], Expect: "exec=true"),
        new("core.set_map and core.del_map change the map converters' map", ["http-request lua.remap",
            "http-request return status 200 content-type text/plain lf-string \"k=%[str(k),map($DIR/lua.map,none)] added=%[str(added),map($DIR/lua.map,none)] gone=%[str(gone),map($DIR/lua.map,none)] %[var(txn.errors)]\""],
            Expect: "k=changed"),
        // core.httpclient() (Lua API), against the same origin from both.
        new("httpclient: post with a body and header fields", ["http-request use-service lua.hc_post"], Expect: "status=200"),
        new("httpclient: get with the script's user-agent and accept", ["http-request use-service lua.hc_get"], Expect: "user-agent: mine"),
        new("httpclient: head", ["http-request use-service lua.hc_head"], Expect: "status=200"),
        new("httpclient: put, then delete", ["http-request use-service lua.hc_put_delete"], Expect: "DELETE /delete"),
        new("httpclient: a header field twice in the answer: values from index 0, as 2.6",
            ["http-request return status 202 content-type text/plain string multi hdr x-multi a hdr x-multi b if { path /multi }", "http-request use-service lua.hc_self"],
            Expect: "x-multi[1]=b"),
        new("httpclient: dst connects elsewhere than the url's host", ["http-request use-service lua.hc_dst"], Expect: "host: service.invalid"),
        new("httpclient: a server that refuses the connection: HAProxy's 503", ["http-request use-service lua.hc_refused"], Expect: "status=503"),
        new("httpclient: bad requests, HAProxy's messages where the script called", ["http-request use-service lua.hc_errors"], Expect: "invalid parameter name"),
        new("httpclient: from an action, which waits for it", ["http-request lua.hc_tag"], Expect: "x-hc: 200"),
        // A service's response, as HAProxy's applets make it.
        new("service that never starts its response: 500", ["http-request use-service lua.unstarted"], Expect: "500"),
        new("service that sends before start_response: 500", ["http-request use-service lua.early_send"], Expect: "500"),
        new("service without a content-length: its sends, in order", ["http-request use-service lua.unsized"], Expect: "no content-length: chunked"),
        new("chunk size that overflows, at a Lua service: 400", ["http-request use-service lua.hello"],
            Raw: "POST /x HTTP/1.1\r\nHost: parity.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nab\r\n0\r\n\r\n", Expect: "400 Bad request"),
        // tune.http.maxhdr (101, the first line counted) and tune.bufsize - tune.maxrewrite (15360).
        new("120 header fields: 400, more than tune.http.maxhdr", [],
            Headers: [.. Enumerable.Range(1, 120).Select(i => ($"x-h{i}", "v"))], Expect: "400 Bad request"),
        new("90 header fields: forwarded", [],
            Headers: [.. Enumerable.Range(1, 90).Select(i => ($"x-h{i}", "v"))], Expect: "x-h90: v"),
        new("a 20 kB header field: 400, the head does not fit tune.bufsize - tune.maxrewrite", [],
            Headers: [("x-big", new string('a', 20_000))], Expect: "400 Bad request"),
        new("a 10 kB header field: forwarded", [],
            Headers: [("x-big", new string('b', 10_000))], Expect: "x-big: bbbb"),
        // timeout http-request: a head that does not come whole in time gets HAProxy's 408.
        new("request head cut short: 408 once timeout http-request is over", [],
            Raw: "GET / HTTP/1.1\r\nHost: parity.test\r\n", Expect: "408 Request Time-out"),
        new("connection with no request at all: 408 once timeout http-request is over", [],
            Raw: "", Expect: "408 Request Time-out"),
        new("well-formed chunked body, as bytes: forwarded", [],
            Raw: "POST /up HTTP/1.1\r\nHost: parity.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n", Expect: "200"),
        // Lua faults (doc/lua-api: an action or fetch that fails is logged, a service answers 500)
        new("lua channels of an HTTP transaction: is_resp, and HAProxy's refusal to touch their bytes", ["http-request lua.channels"], Expect: "x-channels: resp=false,true get=false:Cannot manipulate"),
        new("lua fetches and converters with no sample: nil from f and c, an empty string from sf and sc", ["http-request lua.absent"], Expect: "x-absent: f=nil sf=[]"),
        new("lua action that raises goes on", ["http-request lua.fail"]),
        new("lua action past its timeout goes on", ["http-request lua.spin"]),
        new("lua fetch that raises is empty", ["http-request set-header x-fetch %[lua.fails]"]),
        new("lua service that raises answers 500", ["http-request use-service lua.broken"]),
        new("lua service past its timeout answers 500", ["http-request use-service lua.slow"]),

        // 7.1.6 IP addresses
        new("src in a network is allowed", ["http-request deny unless { src 127.0.0.0/8 }"]),
        new("src outside a network", ["http-request deny if { src 10.0.0.0/8 }"]),
        new("src equal to an address", ["http-request deny if { src 127.0.0.1 }"]),
        new("src with a dotted mask", ["http-request deny if { src 127.0.0.0/255.0.0.0 }"]),
        new("src against an abbreviated address", ["http-request deny if { src 127.1 }"]),
        new("src against an IPv6-mapped pattern", ["http-request deny if { src ::ffff:127.0.0.1 }"]),
        new("src against an IPv6 network", ["http-request deny if { src 2001:db8::/32 }"]),
        new("predefined LOCALHOST", ["http-request deny if LOCALHOST"]),
        new("hdr_ip against a network", ["http-request deny if { req.hdr_ip(x-ip) 192.168.0.0/16 }"], Headers: [("x-ip", "192.168.4.5")]),
        new("hdr_ip with a port", ["http-request deny if { hdr_ip(x-ip) 10.0.0.0/8 }"], Headers: [("x-ip", "10.1.1.1:8080")]),
        new("string sample matched as ip", ["http-request deny if { req.hdr(x-ip) -m ip 10.0.0.0/8 }"], Headers: [("x-ip", "10.9.9.9")]),

        // 7.1.2 integers
        new("int ge, above", ["http-request deny if { req.hdr(x-n) -m int ge 10 }"], Headers: [("x-n", "12")]),
        new("int ge, below", ["http-request deny if { req.hdr(x-n) -m int ge 10 }"], Headers: [("x-n", "9")]),
        new("int range", ["http-request deny if { req.hdr_val(x-n) 400:499 }"], Headers: [("x-n", "404")]),
        new("int range with a dash", ["http-request deny if { req.hdr_val(x-n) 400-499 }"], Headers: [("x-n", "500")]),
        new("int open range", ["http-request deny if { req.hdr_val(x-n) :99 }"], Headers: [("x-n", "7")]),
        new("int lt is strict", ["http-request deny if { req.hdr_val(x-n) lt 5 }"], Headers: [("x-n", "5")]),
        new("int of leading digits", ["http-request deny if { req.hdr(x-n) -m int 12 }"], Headers: [("x-n", "12abc")]),
        new("hdr_cnt counts values", ["http-request deny if { hdr_cnt(x-list) gt 2 }"], Headers: List),
        new("fhdr_cnt counts lines", ["http-request deny if { req.fhdr_cnt(x-list) eq 1 }"], Headers: List),
        new("path_len", ["http-request deny if { path_len gt 10 }"], "/abcdefghijk"),
        new("-m len", ["http-request deny if { path -m len 2 }"], "/a"),
        new("-m bool on an int", ["http-request deny if { req.hdr_val(x-n) -m bool }"], Headers: [("x-n", "0")]),

        // Header values (7.3.6: hdr splits at commas, fhdr takes lines)
        new("hdr matches one value of a list", ["http-request deny if { hdr(x-list) b }"], Headers: List),
        new("fhdr does not split", ["http-request deny if { req.fhdr(x-list) b }"], Headers: List),
        new("fhdr matches the whole line", ["http-request deny if { req.fhdr(x-list) \"a, b, c\" }"], Headers: List),
        new("hdr in a format is the last value", ["http-request set-header x-last %[hdr(x-list)]"], Headers: List),
        new("hdr occurrence from the start", ["http-request set-header x-first %[hdr(x-list,1)]"], Headers: List),
        new("hdr occurrence from the end", ["http-request set-header x-second %[hdr(x-list,-2)]"], Headers: List),
        new("fhdr in a format is the whole line", ["http-request set-header x-line %[req.fhdr(x-list)]"], Headers: List),
        new("hdr -m found", ["http-request deny if { hdr(x-a) -m found }"], Headers: [("x-a", "1")]),
        new("hdr -m found, absent", ["http-request deny if { hdr(x-missing) -m found }"]),

        // 7.1.3 strings
        new("path_beg", ["http-request deny if { path_beg /adm }"], "/admin"),
        new("path_end", ["http-request deny if { path_end .php }"], "/x.php"),
        new("path_sub", ["http-request deny if { path_sub min }"], "/admin/x"),
        new("path_reg with an escape", ["http-request deny if { path_reg ^/v[0-9]+\\.json$ }"], "/v2.json"),
        new("path_reg escape is kept", ["http-request deny if { path_reg ^/v2\\.json$ }"], "/v2xjson"),
        new("path_dir", ["http-request deny if { path_dir api }"], "/v1/api/x"),
        new("path_dir with slashes in the pattern", ["http-request deny if { path_dir /api/ }"], "/v1/api"),
        new("hdr_dom", ["http-request deny if { hdr_dom(host) example }"], Headers: [("x-a", "1")]),
        new("hdr_beg -i", ["http-request deny if { hdr_beg(x-a) -i FOO }"], Headers: [("x-a", "foobar")]),
        new("converter after an ACL keyword drops its method", ["http-request deny if { hdr_beg(x-a),lower foo }"], Headers: [("x-a", "FOObar")]),
        new("-- before a pattern", ["http-request deny if { hdr(x-a) -- -i }"], Headers: [("x-a", "-i")]),
        new("-m bin", ["http-request deny if { path -m bin 2F61 }"], "/a"),
        new("patterns from a file", ["http-request deny if { path -f $DIR/blocked.lst }"], "/also-blocked"),
        new("url_param", ["http-request deny if { url_param(id) 42 }"], "/p?x=1&id=42"),
        new("urlp as an int", ["http-request deny if { urlp(id) -m int gt 40 }"], "/p?id=41"),
        new("cookie", ["http-request deny if { cook(session) abc }"], Headers: [("cookie", "a=1; session=abc")]),
        new("cookie count", ["http-request deny if { req.cook_cnt(a) eq 2 }"], Headers: [("cookie", "a=1; b=2; a=3")]),
        new("base", ["http-request deny if { base parity.test/x }"], "/x?q=1"),
        new("method", ["http-request deny if { method POST }"], Method: "POST"),

        // 7.2 conditions, 7.4 predefined ACLs
        new("named ACL lines are ORed", ["acl blocked path_beg /x", "acl blocked path_beg /y", "http-request deny if blocked"], "/y1"),
        new("named ACLs ANDed", ["acl a path_beg /x", "acl b hdr(x-a) 1", "http-request deny if a b"], "/x", [("x-a", "2")]),
        new("named ACLs ORed", ["acl a path_beg /x", "acl b hdr(x-a) 1", "http-request deny if a || b"], "/z", [("x-a", "1")]),
        new("named ACL negated", ["acl a path_beg /x", "http-request deny if !a"], "/z"),
        new("anonymous ACLs with or", ["http-request deny if { path /a } or { path /b }"], "/b"),
        new("METH_POST", ["http-request deny if METH_POST"], Method: "POST"),
        new("METH_GET takes HEAD", ["http-request deny if METH_GET"], Method: "HEAD"),
        new("HTTP_1.1", ["http-request deny if HTTP_1.1"]),
        new("not HTTP_1.0", ["http-request deny if !HTTP_1.0"]),
        new("HTTP_URL_SLASH", ["http-request deny if HTTP_URL_SLASH"]),
        new("TRUE and FALSE", ["http-request deny if TRUE FALSE"]),
        new("HTTP_CONTENT", ["http-request deny if HTTP_CONTENT"]),
        new("HTTP and REQ_CONTENT", ["http-request set-header x-v yes if HTTP REQ_CONTENT"], Expect: "x-v: yes"),
        new("variable matched with -m", ["http-request set-var(txn.x) str(yes)", "http-request deny if { var(txn.x) -m str yes }"]),

        // 2.8 variables: scopes and when each may be set
        new("req variables are gone in the response", ["http-request set-var(req.a) str(A)", "http-response set-header x-v <%[var(req.a)]>"]),
        new("res variables cannot be set in the request", ["http-request set-var(res.c) str(C)", "http-request set-header x-v <%[var(res.c)]>", "http-response set-header x-w <%[var(res.c)]>"]),
        new("res variables in the response", ["http-response set-var(res.b) str(B)", "http-response set-header x-v <%[var(res.b)]>"]),
        new("txn variables last the transaction", ["http-request set-var(txn.t) str(T)", "http-response set-header x-v <%[var(txn.t)]>"]),
        new("a declared proc variable is empty", ["http-request set-header x-v <%[var(proc.never_set)]>", "http-request deny if { var(proc.never_set) -m found }"]),
        new("proc variables set and read", ["http-request set-var(proc.p) str(P)", "http-request set-header x-v <%[var(proc.p)]>"]),
        new("sess variable of a new connection", SessionCounter),
        new("sess variables last the connection", SessionCounter, Times: 3),
        new("sess variables die with the connection", SessionCounter, Times: 3, NewConnections: true),
        new("proc variables are seen by every worker", ["http-request set-header x-v <%[var(proc.seen)]>", "http-request set-var(proc.seen) path"],
            "/seen", Times: 2, NewConnections: true),
        new("lua set_var and ifexist", ["http-request set-header x-declared %[var(proc.declared)]", "http-request lua.vars"], Expect: "x-lua: true,false,true"),

        // 4.2 http-request actions
        new("allow stops the rules", ["http-request allow if { path /ok }", "http-request deny"], "/ok"),
        new("deny with deny_status", ["http-request deny deny_status 429"]),
        new("deny with a body and a header", ["http-request deny status 400 content-type text/plain string nope hdr x-why test"]),
        new("log-format variables in a return's lf-string",
            ["http-request return status 200 content-type text/plain lf-string \"ci=%ci q=%{+Q}ci fi=%fi f=%f ft=%ft b=%b s=%s HM=%HM HP=%HP HPO=%HPO HQ=%HQ HU=%HU HV=%HV pct=%% ID=%ID sslv=%sslv H=%H\""],
            "/a/b?q=1&r=2", Expect: "ci=127.0.0.1 q=\"127.0.0.1\""),
        new("log-format variables in set-header", ["http-request set-header x-v %ci|%{+Q}HM|%HQ|%%"], "/p?x=1"),
        new("log-format server and backend in a response rule", ["http-response set-header x-s %s|%b|%f"], Expect: "x-s: s1|origin|"),
        new("return with lf-string and hdr", ["http-request return status 200 content-type text/plain lf-string \"hello %[path]\" hdr x-a b"], "/w"),
        new("return without a payload", ["http-request return status 204"]),
        new("redirect location with a code", ["http-request redirect location /new code 301"]),
        new("redirect prefix keeps the query", ["http-request redirect prefix https://example.com"], "/a?b=1"),
        new("redirect prefix drop-query", ["http-request redirect prefix https://example.com drop-query"], "/a?b=1"),
        new("redirect scheme", ["http-request redirect scheme https"], "/a?b=1"),
        new("redirect prefix / append-slash", ["http-request redirect prefix / drop-query append-slash code 308"], "/dir?x"),
        new("redirect set-cookie", ["http-request redirect location /x set-cookie SEEN=1"]),
        new("redirect clear-cookie", ["http-request redirect location /x code 303 clear-cookie SEEN="]),
        new("replace-header with back-references", ["http-request replace-header x-a (.*)-(.*) \\2-\\1"], Headers: [("x-a", "foo-bar")]),
        new("replace-header replaces the whole value", ["http-request replace-header x-a b Z"], Headers: [("x-a", "abc")]),
        new("replace-value", ["http-request replace-value x-list ^b$ B"], Headers: List),
        new("set-uri", ["http-request set-uri /new?x=1"], "/old"),
        new("replace-path", ["http-request replace-path ^/old/(.*) /new/\\1"], "/old/a?q=2"),
        new("replace-uri", ["http-request replace-uri ^/(.*) /u/\\1"], "/a?q=2"),
        new("set-path and set-query", ["http-request set-path /p", "http-request set-query a=%[path]"], "/x"),
        new("set-method", ["http-request set-method DELETE"]),
        new("set-var-fmt", ["http-request set-var-fmt(txn.x) a-%[path]", "http-request set-header x-v %[var(txn.x)]"], "/q"),
        new("set-var of a missing sample keeps the value", ["http-request set-var(txn.x) str(kept)", "http-request set-var(txn.x) hdr(x-missing)", "http-request set-header x-v %[var(txn.x)]"]),
        new("unset-var", ["http-request set-var(txn.x) str(gone)", "http-request unset-var(txn.x)", "http-request set-header x-v %[var(txn.x)]"]),
        new("del-header -m beg", ["http-request del-header x-drop -m beg"], Headers: [("x-drop-me", "1"), ("x-drop-you", "2"), ("x-keep", "3")]),
        new("del-header -m reg", ["http-request del-header ^x-[ab]$ -m reg"], Headers: [("x-a", "1"), ("x-b", "2"), ("x-c", "3")]),
        new("del-header without case", ["http-request del-header X-A"], Headers: [("x-a", "1")]),
        new("add-header after set-header", ["http-request set-header x-a one", "http-request add-header x-b two", "http-request set-header x-a three"]),

        // http-response actions
        new("response deny is 502", ["http-response deny"]),
        new("response deny with a status", ["http-response deny deny_status 503"]),
        new("response return", ["http-response return status 200 content-type text/plain string replaced"]),
        new("response set-status with a reason", ["http-response set-status 418 reason \"I'm a coffeepot\""]),
        new("response set-status without a reason", ["http-response set-status 299"]),
        new("response set-status of a known status", ["http-response set-status 502"]),
        new("return with HAProxy's reason", ["http-request return status 413"]),
        new("response replace-header", ["http-response replace-header content-type text/(.*) application/\\1"]),
        new("response del-header", ["http-response del-header content-type"]),
        new("response allow stops the rules", ["http-response allow", "http-response set-header x-after yes"]),
        new("response redirect", ["http-response redirect location /moved if { status 200 }"]),
        new("response rules run on a service's answer", ["http-request use-service lua.hello", "http-response set-header x-seen %[status]"], "/svc", Expect: "x-seen: 200"),
        new("response rules do not run on return", ["http-request return status 200 content-type text/plain string r", "http-response set-header x-seen yes"]),
        new("response rules do not run on deny", ["http-request deny", "http-response set-header x-seen yes"]),
        new("response set-var and its use", ["http-response set-var(txn.s) status", "http-response set-header x-s %[var(txn.s)]"]),
        new("response fetch of a response header", ["http-response set-header x-ct %[res.hdr(content-type)]"]),

        // doc/lua-api: action return values (act.*), registrations, Reply, txn:done, reasons
        new("act.CONTINUE", ["http-request lua.ret_continue", "http-request set-header x-after yes"]),
        new("act.STOP stops the rules", ["http-request lua.ret_stop", "http-request set-header x-after yes"]),
        new("act.DONE without a reply stops the rules", ["http-request lua.ret_done", "http-request set-header x-after yes"]),
        new("act.ERROR is 500", ["http-request lua.ret_error"]),
        new("act.DENY is 403", ["http-request lua.ret_deny"]),
        new("act.ABORT on a request is 503", ["http-request lua.ret_abort"]),
        new("act.INVALID is 400", ["http-request lua.ret_invalid"]),
        new("response act.ERROR is 500", ["http-response lua.ret_error"]),
        new("response act.DENY keeps the status's page", ["http-response lua.ret_deny"]),
        new("response act.INVALID is 502", ["http-response lua.ret_invalid"]),
        new("response act.ABORT stops the rules", ["http-response lua.ret_abort", "http-response set-header x-after yes"]),
        new("response act.STOP stops the rules", ["http-response lua.ret_stop", "http-response set-header x-after yes"]),
        new("one action name for http-req and http-res", ["http-request lua.cors", "http-response lua.cors"], Expect: "x-cors: res req"),
        new("txn:reply and txn:done", ["http-request lua.reply", "http-request set-header x-after yes"], Expect: "201 Created"),
        new("Reply methods", ["http-request lua.reply_built"], Expect: "409 Clash"),
        new("txn:done in a response", ["http-response lua.reply_built"]),
        new("req_rep_header with back-references", ["http-request lua.swap"], Headers: [("x-a", "foo-bar")], Expect: "x-a: bar-foo"),
        new("res_set_status with a reason", ["http-response lua.teapot"]),
        new("res_set_status without a reason", ["http-response lua.plain_status"]),
        new("applet set_status with a reason", ["http-request use-service lua.up"], Expect: "200 UP"),
        new("applet set_status without a reason", ["http-request use-service lua.odd"]),
        new("txn:done without a reply closes", ["http-request lua.done_plain"]),
        new("core.tokenize, parse_addr, match_addr and the date parsers", ["http-request use-service lua.helpers"], Expect: "a|b||c\na|b|c\n"),

        // 7.3.1 converters
        new("field", ["http-request set-header x-v %[path,field(2,/)]"], "/a/b/c"),
        new("field from the end with a count", ["http-request set-header x-v %[path,field(-2,/,2)]"], "/a/b/c"),
        new("field with count 0 is the rest", ["http-request set-header x-v %[path,field(2,/,0)]"], "/a/b/c"),
        new("field past the first fails", ["http-request set-header x-v %[path,field(-5,/)]"], "/a/b/c"),
        new("word", ["http-request set-header x-v %[path,word(2,/)]"], "//a//b"),
        new("word from the end with a count", ["http-request set-header x-v %[path,word(-2,/,2)]"], "//a//b//c/"),
        new("word with count 0 is the rest", ["http-request set-header x-v %[path,word(2,/,0)]"], "//a//b//c"),
        new("word past the last is empty", ["http-request set-header x-v %[path,word(-4,/)]"], "/a/b/c"),
        new("regsub global", ["http-request set-header x-v %[hdr(x-a),regsub(a,b,g)]"], Headers: [("x-a", "banana")]),
        new("regsub first only", ["http-request set-header x-v %[hdr(x-a),regsub(a,b)]"], Headers: [("x-a", "banana")]),
        new("url_dec", ["http-request set-header x-v %[hdr(x-a),url_dec]"], Headers: [("x-a", "%41b+c")]),
        new("url_dec in a form", ["http-request set-header x-v %[hdr(x-a),url_dec(1)]"], Headers: [("x-a", "%41b+c")]),
        new("url_enc", ["http-request set-header x-v %[hdr(x-a),url_enc]"], Headers: [("x-a", "a b&c=d")]),
        new("hex", ["http-request set-header x-v %[str(hello),hex]"]),
        new("sha1", ["http-request set-header x-v %[str(hello),sha1,hex]"]),
        new("sha2", ["http-request set-header x-v %[str(hello),sha2(512),hex]"]),
        new("hmac", ["http-request set-header x-v %[str(hello),hmac(sha256,a2V5),hex]"]),
        new("base64 and b64dec", ["http-request set-header x-v %[str(hello),base64]", "http-request set-header x-w %[str(aGVsbG8=),b64dec]"]),
        new("ub64enc and ub64dec", ["http-request set-header x-v %[str(h?llo>),ub64enc]", "http-request set-header x-w %[str(aD9sbG8-),ub64dec]"]),
        new("crc32", ["http-request set-header x-v %[str(hello),crc32]", "http-request set-header x-w %[str(hello),crc32(0)]"]),
        new("json", ["http-request set-header x-v %[hdr(x-a),json]"], Headers: [("x-a", "a\"b/c\\d")]),
        new("arithmetic", ["http-request set-header x-v %[str(7),add(3),mul(2),sub(1),div(2),mod(4)]"]),
        new("arithmetic with a variable", ["http-request set-var(txn.n) int(5)", "http-request set-header x-v %[int(2),add(txn.n)]"]),
        new("bitwise and boolean", ["http-request set-header x-v %[int(6),and(3),or(8),xor(1)]", "http-request set-header x-w %[int(5),odd]%[int(5),even]%[int(0),not]%[int(3),bool]%[int(4),neg]"]),
        new("div by zero", ["http-request set-header x-v %[int(7),div(0)]"]),
        new("ipmask", ["http-request set-header x-v %[src,ipmask(8)]", "http-request set-header x-w %[src,ipmask(255.255.0.0)]"]),
        new("bytes", ["http-request set-header x-v %[str(hello),bytes(1,3)]"]),
        new("ltrim and rtrim", ["http-request set-header x-v %[hdr(x-a),ltrim(x),rtrim(y)]"], Headers: [("x-a", "xxaby")]),
        new("concat with a variable", ["http-request set-var(txn.v) str(mid)", "http-request set-header x-v %[str(a),concat(<,txn.v,>)]"]),
        new("strcmp", ["http-request set-var(txn.v) str(abc)", "http-request deny if { str(abc),strcmp(txn.v) eq 0 }"]),
        new("lower and upper", ["http-request set-header x-v %[hdr(x-a),lower]%[hdr(x-a),upper]"], Headers: [("x-a", "MiXed")]),
        new("length", ["http-request set-header x-v %[hdr(x-a),length]"], Headers: [("x-a", "four")]),

        // 7.3.6 the request body (HAProxy with option http-buffer-request)
        new("req.body", ["option http-buffer-request", "http-request set-header x-v %[req.body]"], Method: "POST", Body: "a=1&b=two"),
        new("req.body_len", ["option http-buffer-request", "http-request set-header x-v %[req.body_len]"], Method: "POST", Body: "a=1&b=two"),
        new("req.body_size is the advertised length of a body larger than the buffer", ["option http-buffer-request", "http-request set-header x-v %[req.body_size]"],
            Method: "POST", Body: new string('a', 20000)),
        new("req.body_param", ["option http-buffer-request", "http-request set-header x-v %[req.body_param(b)]"], Method: "POST", Body: "a=1&b=two"),
        new("req.body_param in an ACL tries each", ["option http-buffer-request", "http-request deny if { req.body_param -m str 1 }"], Method: "POST", Body: "a=5&b=1"),
        new("hdr in a response reads the response", ["http-response set-header x-v %[hdr(content-type)]"]),
        new("req.body as hex", ["option http-buffer-request", "http-request set-header x-v %[req.body,hex]"], Method: "POST", Body: "a=1"),
        new("json_query", ["http-request set-header x-v %[hdr(x-json),json_query($.a.b)]|%[hdr(x-json),json_query($.s)]|%[hdr(x-json),json_query($.f)]|%[hdr(x-json),json_query($.t)]|%[hdr(x-json),json_query($.f,int)]"],
            Headers: [("x-json", "{\"a\":{\"b\":5},\"s\":\"x\",\"f\":1.5,\"t\":true}")]),
        new("req.hdrs", ["http-request set-header x-v %[req.hdrs,length]"], Headers: [("x-a", "1")]),
        new("dst", ["http-request deny if { dst 127.0.0.1 }"]),

        // 7.3.2 internal fetches
        new("str int bool", ["http-request set-header x-v %[str(a)]%[int(-3)]%[bool(1)]"]),
        new("always_true and always_false", ["http-request deny if { always_true } !{ always_false }"]),
        new("fe_name", ["http-request set-header x-v %[fe_name]"]),
        new("be_name in a response", ["http-response set-header x-v %[be_name]"]),
        new("req.ver", ["http-request set-header x-v %[req.ver]"]),
        new("url, path, query and pathq", ["http-request set-header x-v %[url]|%[path]|%[query]|%[pathq]"], "/p/q?x=1&y"),
        new("env", ["http-request set-header x-v %[env(HOME)]"]),
    ];
}
