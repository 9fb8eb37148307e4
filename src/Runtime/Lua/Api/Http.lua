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
-- HAProxy 2.6 sends it at the transaction's log level as it keeps it, 0 (emerg) unless set.
function TXN:deflog(msg) core.log(internal.log_level(), msg) end
function TXN:Debug(msg) core.Debug(msg) end
function TXN:Info(msg) core.Info(msg) end
function TXN:Warning(msg) core.Warning(msg) end
function TXN:Alert(msg) core.Alert(msg) end

-- Reply: the answer an action builds with txn:reply() and gives to txn:done(), as a plain table
-- { status, reason, headers = { name = { value, … } }, body } with HAProxy's methods.
local Reply = {}
Reply.__index = Reply
local reason_of = internal.reason

function Reply:set_status(status, reason)
  status = math.tointeger(status) or error("bad argument #1 to 'set_status' (number expected)", 2)
  if status < 100 or status > 599 then return false end
  self.status = status
  self.reason = reason ~= nil and tostring(reason) or reason_of(status)
  return true
end

function Reply:add_header(name, value)
  name, value = tostring(name), tostring(value)
  local values = self.headers[name]
  if values == nil then
    values = {}
    self.headers[name] = values
  end
  values[#values + 1] = value
  return true
end

function Reply:del_header(name)
  self.headers[tostring(name)] = nil
  return true
end

function Reply:set_body(body)
  self.body = tostring(body)
  return true
end

-- txn:reply([t]): as hlua_txn_reply_new, the reason always follows the status (a reason given
-- in t is not kept), header values may be a string or a list of strings.
function TXN:reply(t)
  local status, body, headers = 200, nil, {}
  if type(t) == "table" then
    if type(t.status) == "number" then status = math.tointeger(t.status) or status end
    if type(t.body) == "string" then body = t.body end
    if type(t.headers) == "table" then
      for name, value in pairs(t.headers) do
        if type(value) == "string" or type(value) == "number" then
          headers[name] = { value }
        elseif type(value) == "table" then
          local values = {}
          for _, v in pairs(value) do
            if type(v) == "string" or type(v) == "number" then values[#values + 1] = v end
          end
          headers[name] = values
        end
      end
    end
  end
  return setmetatable({ status = status, reason = reason_of(status), headers = headers, body = body }, Reply)
end

-- txn:done([reply]) ends the transaction at once, answered with the reply (its content-length
-- worked out), or with its connection closed when there is none.
local yield = coroutine.yield
function TXN:done(reply)
  if type(reply) ~= "table" then
    internal.done(false)
  else
    local fields = {}
    if type(reply.headers) == "table" then
      for name, values in pairs(reply.headers) do
        if type(name) == "string" and type(values) == "table" and name:lower() ~= "content-length" then
          for _, value in pairs(values) do
            if type(value) == "string" or type(value) == "number" then
              fields[#fields + 1] = name
              fields[#fields + 1] = tostring(value)
            end
          end
        end
      end
    end
    local status = math.type(reply.status) == "integer" and reply.status or 200
    local reason = type(reply.reason) == "string" and reply.reason or reason_of(status)
    local body = type(reply.body) == "string" and reply.body or nil
    internal.done(true, status, reason, body, table.unpack(fields))
  end
  yield()
end

local f = samples(internal.fetch, false)
local sf = samples(internal.fetch, true)
local c = samples(internal.convert, false)
local sc = samples(internal.convert, true)

-- Channel: txn.req and txn.res. On an HTTP transaction HAProxy 2.6 refuses to touch a channel's
-- bytes ("Cannot manipulate HAProxy channels in HTTP mode.", raised with no position), answers
-- is_resp, and reads its HTX buffer's state for the rest, which ActorProxy has not. The bytes of
-- a tcp-request content rule's channel (inspect-delay) are not ActorProxy's either.
local Channel = {}
Channel.__index = Channel
local http_refused = { "dup", "get", "getline", "data", "line", "append", "prepend", "insert", "set", "remove", "send", "forward" }
local buffer_state = { "input", "output", "get_in_len", "get_out_len", "is_full", "may_recv" }
local function not_implemented(method, reason)
  error("Channel." .. method .. " is not implemented by ActorProxy: " .. reason, 3)
end
for _, method in ipairs(http_refused) do
  Channel[method] = function()
    if internal.tcp_content() then not_implemented(method, "tcp-request content rules cannot inspect a connection's bytes") end
    error("Cannot manipulate HAProxy channels in HTTP mode.", 0)
  end
end
for _, method in ipairs(buffer_state) do
  Channel[method] = function()
    if internal.tcp_content() then not_implemented(method, "tcp-request content rules cannot inspect a connection's bytes") end
    not_implemented(method, "an HTTP transaction has no HAProxy buffer to measure")
  end
end
function Channel:is_resp() return self.response end
local request_channel = setmetatable({ response = false }, Channel)
local response_channel = setmetatable({ response = true }, Channel)

-- What ActorProxy's transactions have no use for, said when a script asks for it.
local function refuse(method, reason)
  TXN[method] = function() error("TXN." .. method .. " is not implemented by ActorProxy: " .. reason, 2) end
end
refuse("set_tos", "the client connection's packets keep the system's TOS")
refuse("set_mark", "the client connection's packets keep the system's mark")
refuse("set_priority_class", "requests never wait in a server queue")
refuse("set_priority_offset", "requests never wait in a server queue")

local function new_txn()
  return setmetatable({ http = setmetatable({}, HTTP), f = f, sf = sf, c = c, sc = sc, req = request_channel, res = response_channel }, TXN)
end

-- CertCache: certificates are the configuration's (bind crt), loaded at start and at no other time.
CertCache = {
  set = function() error("CertCache.set is not implemented by ActorProxy: certificates are loaded from the configuration's crt files", 2) end,
}

-- AppletHTTP: a service answers through it.
local Applet = {}
Applet.__index = Applet
function Applet:set_status(status, reason) internal.set_status(status, reason) end
function Applet:add_header(name, value) internal.header("add", true, name, value) end
-- Each wait for the connection (the head sent, the data taken, more body arrived) yields until
-- the state's owner resumes the service.
function Applet:start_response() if internal.start_response() then yield() end end
function Applet:send(data) if internal.send(data) then yield() end end
function Applet:receive(size)
  while true do
    local data = internal.receive(size)
    if data ~= nil then return data end
    yield()
  end
end
function Applet:getline()
  while true do
    local line = internal.getline()
    if line ~= nil then return line end
    yield()
  end
end
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
