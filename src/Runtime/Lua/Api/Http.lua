-- The Lua side of HAProxy's TXN, HTTP and AppletHTTP classes in one state. The C# helpers it
-- takes out of the globals act on the transaction the state is running now.
local internal = __actorproxy_http
__actorproxy_http = nil
local setmetatable = setmetatable

-- HTTP: txn.http
local HTTP = {}
HTTP.__index = HTTP
function HTTP:req_get_headers() return internal.get_headers(false) end
function HTTP:res_get_headers() return internal.get_headers(true) end
function HTTP:req_set_header(name, value) internal.header("set", false, name, value) end
function HTTP:req_add_header(name, value) internal.header("add", false, name, value) end
function HTTP:req_del_header(name) internal.header("del", false, name) end
function HTTP:req_rep_header(name, regex, replace) internal.header("rep", false, name, regex, replace) end
function HTTP:req_rep_value(name, regex, replace) internal.header("rep_value", false, name, regex, replace) end
function HTTP:res_set_header(name, value) internal.header("set", true, name, value) end
function HTTP:res_add_header(name, value) internal.header("add", true, name, value) end
function HTTP:res_del_header(name) internal.header("del", true, name) end
function HTTP:res_rep_header(name, regex, replace) internal.header("rep", true, name, regex, replace) end
function HTTP:res_rep_value(name, regex, replace) internal.header("rep_value", true, name, regex, replace) end
function HTTP:req_set_method(method) internal.request_line("method", method) end
function HTTP:req_set_path(path) internal.request_line("path", path) end
function HTTP:req_set_query(query) internal.request_line("query", query) end
function HTTP:req_set_uri(uri) internal.request_line("uri", uri) end
function HTTP:res_set_status(status, reason) internal.set_status(status, reason) end

-- Fetches and converters: txn.f:req_hdr("host") is req.hdr(host); sf and sc return strings.
local function samples(call, as_string)
  return setmetatable({}, {
    __index = function(t, name)
      local f = function(_, ...) return call(name, as_string, ...) end
      t[name] = f
      return f
    end,
  })
end

-- TXN
local TXN = {}
TXN.__index = TXN
function TXN:get_var(name) return internal.get_var(name) end
function TXN:set_var(name, value, ifexist) return internal.set_var(name, value, ifexist) end
function TXN:unset_var(name) return internal.set_var(name, nil) end
-- A transaction's private value lives as long as the transaction, across its Lua calls in
-- this state: kept by transaction id until the owner releases it.
local privs = {}
function TXN:get_priv() return privs[internal.id()] end
function TXN:set_priv(value)
  local id = internal.id()
  if privs[id] == nil then internal.keep_priv() end
  privs[id] = value
end
function TXN:set_loglevel(level) internal.set_loglevel(level) end
function TXN:log(level, msg) core.log(level, msg) end
function TXN:Debug(msg) core.Debug(msg) end
function TXN:Info(msg) core.Info(msg) end
function TXN:Warning(msg) core.Warning(msg) end
function TXN:Alert(msg) core.Alert(msg) end

-- txn:done() ends the transaction at once: the runner sees the flag and stops the call.
local yield = coroutine.yield
function TXN:done()
  internal.done()
  yield()
end

local f = samples(internal.fetch, false)
local sf = samples(internal.fetch, true)
local c = samples(internal.convert, false)
local sc = samples(internal.convert, true)

local function new_txn()
  return setmetatable({ http = setmetatable({}, HTTP), f = f, sf = sf, c = c, sc = sc }, TXN)
end

-- AppletHTTP: a service answers through it.
local Applet = {}
Applet.__index = Applet
function Applet:set_status(status, reason) internal.set_status(status, reason) end
function Applet:add_header(name, value) internal.header("add", true, name, value) end
function Applet:start_response() internal.start_response() end
function Applet:send(data) internal.send(data) end
function Applet:receive(size) return internal.receive(size) end
function Applet:getline() return internal.getline() end
function Applet:get_var(name) return internal.get_var(name) end
function Applet:set_var(name, value, ifexist) return internal.set_var(name, value, ifexist) end
function Applet:unset_var(name) return internal.set_var(name, nil) end
Applet.get_priv = TXN.get_priv
Applet.set_priv = TXN.set_priv

local function new_applet()
  local method, version, path, qs, length = internal.request()
  return setmetatable({
    method = method, version = version, path = path, qs = qs, length = length,
    headers = internal.get_headers(false), f = f, sf = sf, c = c, sc = sc,
  }, Applet)
end

-- The runner's entry points: (function, ...) → what the function returns.
local function action(fn, ...) return fn(new_txn(), ...) end
local function fetch(fn, ...) return fn(new_txn(), ...) end
local function converter(fn, ...) return fn(...) end
local function service(fn) return fn(new_applet()) end
local function release(id) privs[id] = nil end

return action, fetch, converter, service, release
