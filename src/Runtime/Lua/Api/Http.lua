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
-- is_resp, and reads its HTX buffer's state for the rest, which ActorProxy has not. In a
-- tcp-request content action the request channel is the connection's buffer (LuaChannelApi),
-- each method as hlua.c's: reads that need more data wait for it while the inspection goes on.
local Channel = {}
Channel.__index = Channel
local http_refused = { "dup", "get", "getline", "data", "line", "append", "prepend", "insert", "set", "remove", "send", "forward" }
local buffer_state = { "input", "output", "get_in_len", "get_out_len", "is_full", "may_recv" }
local function not_implemented(method, reason)
  error("Channel." .. method .. " is not implemented by ActorProxy: " .. reason, 3)
end

-- The request channel's methods in a tcp-request content action.
local Tcp = {}
local function state()
  local input, output, closed, final, full, may_recv, room, size = internal.chn_state()
  return { input = input, output = output, closed = closed, final = final, full = full, may_recv = may_recv, room = room, size = size }
end
-- HAProxy waits when its action may yield, the input is open and there is room for more.
local function can_wait(st) return not st.final and not st.closed and st.may_recv end
-- The shared state (lua-load) may run on another node, which the connection's next bytes do not reach.
local function wait_data()
  if core.thread == 0 then
    error("a Channel read that waits for more data is not supported in the shared state (lua-load): load the action with lua-load-per-thread", 0)
  end
  internal.wait_data()
  yield()
end
-- How the running method was called, for luaL_argerror's wording: called as a method
-- (req:data(x)) its arguments count from the first after the channel; otherwise (pcall(req.data,
-- req, x)) from the channel, and a function called through no name is '?'.
-- luaL_error's messages start where the caller is, when it is Lua code (none under pcall).
local getinfo = debug.getinfo
local calling
local function called()
  local info = getinfo(2, "n")
  local caller = getinfo(3, "Sl")
  info.where = caller and caller.currentline > 0 and (caller.short_src .. ":" .. caller.currentline .. ": ") or ""
  calling = info
end
local function luaerror(message) error((calling and calling.where or "") .. message, 0) end
local function argerror(position, message)
  local method = calling and calling.namewhat == "method"
  local name = calling and calling.name or "?"
  luaerror("bad argument #" .. (method and position or position + 1) .. " to '" .. name .. "' (" .. message .. ")")
end
local function count(method, wanted, ...)
  if select("#", ...) ~= wanted then luaerror("'" .. method .. "' needs " .. wanted .. " arguments") end
end
-- luaL_checkinteger's errors (a C function's: no position).
local function integer(value, position)
  local numeric = (type(value) == "number" or type(value) == "string") and tonumber(value) or nil
  if numeric == nil then
    argerror(position, "number expected, got " .. (value == nil and "no value" or type(value)))
  end
  local number = math.tointeger(numeric)
  if number == nil then argerror(position, "number has no integer representation") end
  return number
end
local function text(value, position)
  if type(value) ~= "string" and type(value) ~= "number" then
    argerror(position, "string expected, got " .. (value == nil and "no value" or type(value)))
  end
  return tostring(value)
end
-- An offset into the input: from its end when negative; past it is an error.
local function offset_of(value, input, method, position)
  local offset = integer(value, position)
  if offset < 0 then offset = math.max(0, input + offset) end
  if offset > input then error("offset out of range.", 0) end
  return offset
end
local function insert(st, str, offset)
  if #str == 0 then return 0 end
  if #str > st.room then return -1 end
  internal.chn_edit(offset, 0, str)
  return #str
end

-- data and line: a part of the input, not removed; waits when more was asked than there is.
local function read_part(method, line, n, first, second)
  while true do
    local st = state()
    local offset = n >= 1 and offset_of(first, st.input, method, 1) or 0
    local length = st.input - offset
    if n == 2 then
      length = integer(second, 2)
      if length == 0 then return "" end
      if length == -1 then length = st.size end
      if length < 0 then error("length out of range.", 0) end
    end
    if line then
      local part = internal.chn_read(offset, math.min(length, st.input - offset))
      local lf = part:find("\n", 1, true)
      if lf then return part:sub(1, lf) end
    end
    if offset + length <= st.input then return internal.chn_read(offset, length) end
    if not can_wait(st) then return internal.chn_read(offset, st.input - offset) end
    wait_data()
  end
end
function Tcp.data(_, ...)
  local n = select("#", ...)
  if n > 2 then luaerror("'data' expects at most 2 arguments") end
  return read_part("data", false, n, ...)
end
function Tcp.line(_, ...)
  local n = select("#", ...)
  if n > 2 then luaerror("'line' expects at most 2 arguments") end
  return read_part("line", true, n, ...)
end
function Tcp.dup(...)
  count("dup", 1, ...)
  local st = state()
  if st.input == 0 and st.closed then return nil end
  return internal.chn_read(0, st.input)
end
function Tcp.get(...)
  count("get", 1, ...)
  local st = state()
  if st.input == 0 and st.closed then return nil end
  local all = internal.chn_read(0, st.input)
  internal.chn_edit(0, #all, "")
  return all
end
function Tcp.getline(...)
  count("getline", 1, ...)
  while true do
    local st = state()
    if st.input == 0 and st.closed then return nil end
    local all = internal.chn_read(0, st.input)
    local lf = all:find("\n", 1, true)
    if lf or not can_wait(st) then
      local line = lf and all:sub(1, lf) or all
      internal.chn_edit(0, #line, "")
      return line
    end
    wait_data()
  end
end
-- HAProxy 2.6 inserts what append adds at the start of the input, as prepend does.
function Tcp.append(...)
  count("append", 2, ...)
  local _, str = ...
  return insert(state(), text(str, 1), 0)
end
function Tcp.prepend(...)
  count("prepend", 2, ...)
  local _, str = ...
  return insert(state(), text(str, 1), 0)
end
function Tcp.insert(_, ...)
  local n = select("#", ...)
  if n < 1 or n > 2 then luaerror("'insert' expects at least 1 argument and at most 2 arguments") end
  local str, where = ...
  str = text(str, 1)
  local st = state()
  local offset = n == 2 and offset_of(where, st.input, "insert", 2) or st.input
  return insert(st, str, offset)
end
function Tcp.set(_, ...)
  local n = select("#", ...)
  if n < 1 or n > 3 then luaerror("'set' expects at least 1 argument and at most 3 arguments") end
  local str, first, second = ...
  str = text(str, 1)
  local st = state()
  local offset = n >= 2 and offset_of(first, st.input, "set", 2) or 0
  local length = st.input - offset
  if n == 3 then
    length = integer(second, 3)
    if length == -1 then length = st.input - offset end
    if length ~= 0 and (length < 0 or offset + length > st.input) then error("length out of range.", 0) end
  end
  if #str > st.room + length then return -1 end
  internal.chn_edit(offset, length, str)
  return #str
end
function Tcp.remove(_, ...)
  local n = select("#", ...)
  if n > 2 then luaerror("'remove' expects at most 2 arguments") end
  local first, second = ...
  local st = state()
  local offset = n >= 1 and offset_of(first, st.input, "remove", 1) or 0
  local length = st.input - offset
  if n == 2 then
    length = integer(second, 2)
    if length == 0 then return 0 end
    if length == -1 then length = st.input - offset end
    if length < 0 or offset + length > st.input then error("length out of range.", 0) end
  end
  internal.chn_edit(offset, length, "")
  return length
end
-- send: the string goes to the output, ahead of the input, as far as there is room; the rest
-- waits for room, which an unconnected server never makes before the inspection is over.
function Tcp.send(...)
  count("send", 2, ...)
  local _, str = ...
  str = text(str, 1)
  local sent = 0
  while true do
    local st = state()
    local part = str:sub(sent + 1, sent + math.min(st.room, #str - sent))
    if #part > 0 then
      internal.chn_output(part, 0)
      sent = sent + #part
    end
    if sent >= #str or st.final then return sent end
    wait_data()
  end
end
-- forward: up to LENGTH bytes of input go to the output; it waits for the rest while the input is open.
function Tcp.forward(...)
  count("forward", 2, ...)
  local _, wanted = ...
  wanted = integer(wanted, 1)
  local forwarded = 0
  while true do
    local st = state()
    local step = math.min(wanted - forwarded, st.input)
    if step > 0 then
      internal.chn_output("", step)
      forwarded = forwarded + step
    end
    if forwarded >= wanted or st.closed or st.final then return forwarded end
    wait_data()
  end
end
function Tcp.input(...) count("input", 1, ...) return state().input end
function Tcp.get_in_len(...) count("input", 1, ...) return state().input end
function Tcp.output(...) count("output", 1, ...) return state().output end
function Tcp.get_out_len(...) count("output", 1, ...) return state().output end
function Tcp.is_full(...) count("is_full", 1, ...) return state().full end
function Tcp.may_recv(...)
  count("may_recv", 1, ...)
  local st = state()
  return not st.closed and st.may_recv
end

local function tcp_request(channel) return internal.tcp_content() and not channel.response end
for _, method in ipairs(http_refused) do
  Channel[method] = function(channel, ...)
    if tcp_request(channel) then
      called()
      return Tcp[method](channel, ...)
    end
    if internal.tcp_content() then not_implemented(method, "the response channel of a tcp-request content rule is not there (ActorProxy has no tcp-response rules)") end
    error("Cannot manipulate HAProxy channels in HTTP mode.", 0)
  end
end
for _, method in ipairs(buffer_state) do
  Channel[method] = function(channel, ...)
    if tcp_request(channel) then
      called()
      return Tcp[method](channel, ...)
    end
    if internal.tcp_content() then not_implemented(method, "the response channel of a tcp-request content rule is not there (ActorProxy has no tcp-response rules)") end
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
refuse("set_priority_class", "a backend's queue takes requests in arrival order, without priorities")
refuse("set_priority_offset", "a backend's queue takes requests in arrival order, without priorities")

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
