-- The Lua side of HAProxy's Proxy, Server and Listener classes (hlua_fcn.c): tables with the
-- attributes HAProxy gives them (a proxy's name, uuid, servers and listeners; a server's name and
-- puid, both numbers as strings), and methods that ask C# (LuaProxyApi) for what changes.
local internal = __actorproxy_proxy
__actorproxy_proxy = nil
local setmetatable, error, type, tostring, pairs, rawlen = setmetatable, error, type, tostring, pairs, rawlen

-- What each object stands for, out of the script's sight.
local identities = setmetatable({}, { __mode = "k" })

local function class(name)
  local methods = {}
  return { name = name, methods = methods, meta = { __index = methods, __name = name } }
end
local Proxy, Server, Listener, StickTable = class("Proxy"), class("Server"), class("Listener"), class("StickTable")

local function new(kind, fields, identity)
  identity.kind = kind
  local object = setmetatable(fields, kind.meta)
  identities[object] = identity
  return object
end

local function check(kind, object, method)
  local identity = identities[object]
  if identity == nil or identity.kind ~= kind then
    error("bad argument #1 to '" .. method .. "' (" .. kind.name .. " expected)", 3)
  end
  return identity
end

local function refuse(kind, method, reason)
  kind.methods[method] = function(object)
    check(kind, object, method)
    error(kind.name .. "." .. method .. " is not implemented by ActorProxy: " .. reason, 2)
  end
end

-- Proxy ---------------------------------------------------------------------------------------
function Proxy.methods.get_cap(px) return check(Proxy, px, "get_cap").cap end
function Proxy.methods.get_mode(px) return check(Proxy, px, "get_mode").mode end
function Proxy.methods.get_stats(px)
  local identity = check(Proxy, px, "get_stats")
  return internal.stats(identity.name, identity.cap == "frontend" and "FRONTEND" or "BACKEND")
end
-- ActorProxy's servers are never backup servers: there are no sessions of theirs to end.
function Proxy.methods.shut_bcksess(px) check(Proxy, px, "shut_bcksess") end
-- pause_proxy, resume_proxy, stop_proxy: a frontend's listener closes, opens again, closes for
-- good; a backend has no listener, and nothing changes. Nothing is returned, as in HAProxy.
for _, method in ipairs({ "pause", "resume", "stop" }) do
  Proxy.methods[method] = function(px)
    local identity = check(Proxy, px, method)
    if identity.cap ~= "frontend" then return end
    local refusal = internal.switch(identity.name, method)
    if refusal then error("Proxy." .. method .. ": " .. refusal, 2) end
  end
end

-- Server --------------------------------------------------------------------------------------
local function set_state(sv, method, state)
  local identity = check(Server, sv, method)
  local refusal = internal.set_state(identity.proxy, identity.server, state)
  if refusal then error("Server." .. method .. ": " .. refusal, 3) end
end

-- The address now: what set_addr or the runtime API set, else the configuration's.
function Server.methods.get_addr(sv)
  local identity = check(Server, sv, "get_addr")
  return internal.address(identity.proxy, identity.server) or identity.address
end
-- srv_update_addr_port: HAProxy's report of what changed (or why nothing did), never nil.
function Server.methods.set_addr(sv, addr, port)
  local identity = check(Server, sv, "set_addr")
  if type(addr) ~= "string" and type(addr) ~= "number" then
    error("bad argument #1 to 'set_addr' (string expected, got " .. (addr == nil and "no value" or type(addr)) .. ")", 2)
  end
  local report, refusal = internal.set_addr(identity.proxy, identity.server, tostring(addr), port ~= nil and tostring(port) or nil)
  if refusal then error("Server.set_addr: " .. refusal, 2) end
  return report
end
-- Not in 2.6 (HAProxy 2.7 adds them): the name and puid attributes as methods.
function Server.methods.get_name(sv) return check(Server, sv, "get_name").server end
function Server.methods.get_puid(sv) check(Server, sv, "get_puid") return sv.puid end
function Server.methods.get_stats(sv)
  local identity = check(Server, sv, "get_stats")
  return internal.stats(identity.proxy, identity.server)
end
-- HAProxy 2.6 gives an integer: 1 when the server drains or weighs 0, else 0.
function Server.methods.is_draining(sv)
  local identity = check(Server, sv, "is_draining")
  local draining = internal.state(identity.proxy, identity.server) == "drain" or internal.weight(identity.proxy, identity.server) == 0
  return draining and 1 or 0
end
function Server.methods.get_weight(sv)
  local identity = check(Server, sv, "get_weight")
  return internal.weight(identity.proxy, identity.server)
end
-- server_parse_weight_change_request: nil when done, else HAProxy's words for why not.
function Server.methods.set_weight(sv, weight)
  local identity = check(Server, sv, "set_weight")
  if type(weight) ~= "string" and type(weight) ~= "number" then
    error("bad argument #1 to 'set_weight' (string expected, got " .. (weight == nil and "no value" or type(weight)) .. ")", 2)
  end
  return internal.set_weight(identity.proxy, identity.server, tostring(weight))
end
-- srv_shutdown_streams: the server's requests in flight and relayed connections end; nothing is returned.
function Server.methods.shut_sess(sv)
  local identity = check(Server, sv, "shut_sess")
  local refusal = internal.shut_sess(identity.proxy, identity.server)
  if refusal then error("Server.shut_sess: " .. refusal, 2) end
end
function Server.methods.get_maxconn(sv)
  local identity = check(Server, sv, "get_maxconn")
  return internal.maxconn(identity.proxy, identity.server)
end
-- server_parse_maxconn_change_request: nil when done, else HAProxy's words for why not.
function Server.methods.set_maxconn(sv, maxconn)
  local identity = check(Server, sv, "set_maxconn")
  if type(maxconn) ~= "string" and type(maxconn) ~= "number" then
    error("bad argument #1 to 'set_maxconn' (string expected, got " .. (maxconn == nil and "no value" or type(maxconn)) .. ")", 2)
  end
  return internal.set_maxconn(identity.proxy, identity.server, tostring(maxconn))
end
function Server.methods.set_drain(sv) set_state(sv, "set_drain", "drain") end
function Server.methods.set_maint(sv) set_state(sv, "set_maint", "maint") end
function Server.methods.set_ready(sv) set_state(sv, "set_ready", "ready") end

-- hlua_server_check_enable/_disable: a server's checks turned on or off, nothing without them.
for method, enabled in pairs({ check_enable = true, check_disable = false }) do
  Server.methods[method] = function(sv)
    local identity = check(Server, sv, method)
    local refusal = internal.set_checks(identity.proxy, identity.server, enabled)
    if refusal then error("Server." .. method .. ": " .. refusal, 2) end
  end
end
-- Agents are never configured on ActorProxy's servers, and HAProxy leaves a server without one as it is.
for _, method in ipairs({ "agent_enable", "agent_disable", "agent_force_up", "agent_force_down" }) do
  Server.methods[method] = function(sv) check(Server, sv, method) end
end
-- HAProxy forces a server's health, checked or not, its checks' health counter with it: a
-- checked server's next checks count from there.
for method, health in pairs({ check_force_up = "running", check_force_nolb = "stopping", check_force_down = "stopped" }) do
  Server.methods[method] = function(sv)
    local identity = check(Server, sv, method)
    local refusal = internal.force(identity.proxy, identity.server, health)
    if refusal then error("Server." .. method .. ": " .. refusal, 2) end
  end
end

-- Listener ------------------------------------------------------------------------------------
-- HAProxy counts per listener only with `option socket-stats`, which ActorProxy has not: its
-- fields are all empty, as HAProxy's are then.
function Listener.methods.get_stats(ls) check(Listener, ls, "get_stats") return {} end

-- StickTable ----------------------------------------------------------------------------------
function StickTable.methods.info(st)
  local info, data = internal.stk_info(check(StickTable, st, "info").table)
  info.nopurge, info.data = false, data
  return info
end
function StickTable.methods.lookup(st, key)
  local identity = check(StickTable, st, "lookup")
  if type(key) ~= "string" and type(key) ~= "number" then return nil end
  return internal.stk_lookup(identity.table, tostring(key))
end
local operators = { eq = true, ne = true, le = true, lt = true, ge = true, gt = true }
-- hlua_stktable_dump's filter: up to four {column, operator, value} triplets. A bad one is not
-- an error: nil and HAProxy's message are returned, as its hlua_error does.
function StickTable.methods.dump(st, filter)
  local identity = check(StickTable, st, "dump")
  local flat, count = {}, 0
  if filter ~= nil then
    if type(filter) ~= "table" then return nil, "filter table expected" end
    local _, stored = internal.stk_info(identity.table)
    for _, entry in pairs(filter) do
      if count >= 4 then return nil, "Filter table too large (len > 4)" end
      local n = count + 1
      if type(entry) ~= "table" or rawlen(entry) ~= 3 then
        return nil, "Filter table entry must be a triplet: {\"data_col\", \"op\", val} (entry #" .. n .. ")"
      end
      local column, op, value = entry[1], entry[2], entry[3]
      if type(column) ~= "string" then return nil, "Filter table data column must be string (entry #" .. n .. ")" end
      if stored[column] == nil then return nil, "Filter table data column not present in stick table (entry #" .. n .. ")" end
      if type(op) ~= "string" then return nil, "Filter table operator must be string (entry #" .. n .. ")" end
      if not operators[op] then return nil, "Unknown operator in filter table (entry #" .. n .. ")" end
      -- lua_tointeger: a number or numeric string of an integer, else 0.
      local number = (type(value) == "number" or type(value) == "string") and math.tointeger(tonumber(value)) or 0
      local at = #flat
      flat[at + 1], flat[at + 2], flat[at + 3] = column, op, number
      count = n
    end
  end
  local entries = internal.stk_dump(identity.table, table.unpack(flat))
  if entries == nil then return nil, "Unsupported stick table key type" end
  return entries
end

-- core.proxies, core.frontends, core.backends: set once the state's files have run.
__actorproxy_publish_proxies = function()
  local proxies, frontends, backends = {}, {}, {}
  for i = 1, internal.count() do
    local name, uuid, cap, mode, server_count, listener_count, has_table = internal.proxy(i)
    local servers, listeners = {}, {}
    for j = 1, server_count do
      local server, puid, address = internal.server(i, j)
      servers[server] = new(Server, { name = server, puid = puid }, { proxy = name, server = server, address = address })
    end
    for j = 1, listener_count do
      local listener = internal.listener(i, j)
      listeners[listener] = new(Listener, {}, { proxy = name, listener = listener })
    end
    local px = new(Proxy, { name = name, uuid = uuid, servers = servers, listeners = listeners }, { name = name, cap = cap, mode = mode })
    if has_table then px.stktable = new(StickTable, {}, { table = name }) end
    proxies[name] = px
    if cap == "frontend" then frontends[name] = px else backends[name] = px end
  end
  core.proxies, core.frontends, core.backends = proxies, frontends, backends
end
