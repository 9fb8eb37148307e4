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

-- core.tokenize(str, separators [, noblank]): the parts between any of the separators.
function core.tokenize(str, separators, noblank)
  if type(str) ~= "string" then error("bad argument #1 to 'tokenize' (string expected)", 2) end
  if type(separators) ~= "string" then error("bad argument #2 to 'tokenize' (string expected)", 2) end
  local tokens, start = {}, 1
  for i = 1, #str + 1 do
    local c = str:sub(i, i)
    if i > #str or separators:find(c, 1, true) then
      if not noblank or i > start then tokens[#tokens + 1] = str:sub(start, i - 1) end
      start = i + 1
    end
  end
  return tokens
end

-- core.parse_addr(text): an address or network, or nil; core.match_addr(a, b): whether the two
-- overlap, each masked by the other's mask (hlua_match_addr).
local Addr = {}
local parse_addr = internal.parse_addr
function core.parse_addr(text)
  local parsed = { parse_addr(text) }
  if parsed[1] == nil then return nil end
  local words = #parsed == 3 and 1 or 4
  return setmetatable({ family = parsed[1], ip = { table.unpack(parsed, 2, 1 + words) },
    mask = { table.unpack(parsed, 2 + words, 1 + 2 * words) } }, Addr)
end
function core.match_addr(a, b)
  if getmetatable(a) ~= Addr or getmetatable(b) ~= Addr or a.family ~= b.family then return false end
  for i = 1, #a.ip do
    if a.ip[i] & b.mask[i] ~= b.ip[i] & a.mask[i] then return false end
  end
  return true
end

-- core.get_info(): the process's information, by HAProxy's field names where ActorProxy has them.
local info = internal.info
function core.get_info()
  local fields, t = { info() }, {}
  for i = 1, #fields, 2 do t[fields[i]] = fields[i + 1] end
  return t
end

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
  "get_var",
  "register_filter", "set_nice", "disable_legacy_mailers", "event_sub",
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
