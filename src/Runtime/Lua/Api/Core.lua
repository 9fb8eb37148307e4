-- The Lua side of the `core` class, run in every state after the C# functions are in place.
-- `...` is the state id: 0 for the shared state, the worker number otherwise.
local thread = ...
local core = core
local internal = __actorproxy
__actorproxy = nil
local error, select, setmetatable, type = error, select, setmetatable, type
local unpack, yield = table.unpack, coroutine.yield

core.thread = thread

-- core.register_task(func [, arg1, ...]): func(arg1, ...) runs as a task of this state.
function core.register_task(func, ...)
  if type(func) ~= "function" then
    error("bad argument #1 to 'core.register_task' (function expected, got " .. type(func) .. ")", 2)
  end
  local n, args = select("#", ...), { ... }
  internal.register_task(function() return func(unpack(args, 1, n)) end)
end

-- Sleeping and yielding suspend the running task's coroutine; its owner resumes it.
function core.msleep(milliseconds)
  internal.request_delay(milliseconds)
  yield()
end

function core.sleep(seconds)
  internal.request_delay(seconds * 1000)
  yield()
end

function core.yield()
  internal.request_delay(0)
  yield()
end

-- core.done(): ends the running Lua function at once, as if it had returned.
function core.done()
  internal.request_finish()
  yield()
end

-- core.now(): { sec = seconds, usec = microseconds } since the epoch.
local now = core.now
function core.now()
  local sec, usec = now()
  return { sec = sec, usec = usec }
end

-- core.concat(): a string buffer, faster than repeated "..".
local Concat = {}
Concat.__index = Concat
function Concat:add(text) self[#self + 1] = tostring(text) end
function Concat:dump() return table.concat(self) end
function core.concat() return setmetatable({}, Concat) end

-- What an action's return value asks for (HAProxy's ACT_RET_*).
act = {
  CONTINUE = 0, STOP = 1, YIELD = 2, ERROR = 3, DONE = 4, DENY = 5, ABORT = 6, INVALID = 7,
}
function act.wake_time(_)
  error("act:wake_time() is not implemented by ActorProxy", 2)
end

-- Log levels, as syslog and HAProxy number them.
core.emerg, core.alert, core.crit, core.err = 0, 1, 2, 3
core.warning, core.notice, core.info, core.debug = 4, 5, 6, 7

function core.Debug(msg) core.log(core.debug, msg) end
function core.Info(msg) core.log(core.info, msg) end
function core.Warning(msg) core.log(core.warning, msg) end
function core.Alert(msg) core.log(core.alert, msg) end

-- HAProxy's documented core functions that ActorProxy does not provide yet: using one is a
-- clear error naming it, rather than "attempt to call a nil value". Other names read as nil,
-- so feature tests such as `if core.foo then` still work.
local haproxy_names = {
  "add_acl", "del_acl", "del_map", "set_map", "get_info", "http_date", "imf_date",
  "rfc850_date", "asctime_date", "match_addr", "parse_addr", "tokenize", "get_var",
  "register_filter", "set_nice", "httpclient", "disable_legacy_mailers", "event_sub",
  "proxies", "backends", "frontends",
}
local missing = {}
for _, name in ipairs(haproxy_names) do
  if core[name] == nil then missing[name] = true end
end

setmetatable(core, {
  __index = function(_, name)
    if missing[name] then
      error("core." .. name .. " is not implemented by ActorProxy", 2)
    end
    return nil
  end,
})
