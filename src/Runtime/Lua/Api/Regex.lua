-- The Lua side of HAProxy's Regex class: Regex.new compiles in C# (LuaRegexApi), each object a
-- table naming its compiled regex, freed when the object is collected.
local internal = __actorproxy_regex
__actorproxy_regex = nil
local setmetatable, error, type, getinfo = setmetatable, error, type, debug.getinfo

local Regex = {}
local methods = {}
local meta = { __index = methods, __name = "Regex" }
local ids = setmetatable({}, { __mode = "k" })

function meta.__gc(regex) internal.free(ids[regex]) end

local function check(regex, method)
  local id = ids[regex]
  if id == nil then error("bad argument #1 to '" .. method .. "' (Regex expected)", 3) end
  return id
end

local function subject(value, method)
  if type(value) ~= "string" and type(value) ~= "number" then
    -- Lua's own message: a method's arguments count from the one after self.
    local info = getinfo(2, "n")
    local number = (info and info.namewhat == "method") and 1 or 2
    error("bad argument #" .. number .. " to '" .. method .. "' (string expected, got " .. (value == nil and "no value" or type(value)) .. ")", 3)
  end
  return value
end

-- Regex.new(regex, case_sensitive) → true and the regex, or false and why not.
function Regex.new(pattern, case_sensitive)
  if type(pattern) ~= "string" and type(pattern) ~= "number" then
    error("bad argument #1 to 'new' (string expected, got " .. (pattern == nil and "no value" or type(pattern)) .. ")", 2)
  end
  -- HAProxy checks with luaL_argcheck and no message: Lua prints the missing one as "(null)".
  if type(case_sensitive) ~= "boolean" then error("bad argument #2 to 'new' ((null))", 2) end
  local id, refusal = internal.compile(pattern, case_sensitive)
  if not id then return false, refusal end
  local regex = setmetatable({}, meta)
  ids[regex] = id
  return true, regex
end

function methods.exec(regex, str) return internal.exec(check(regex, "exec"), subject(str, "exec")) end
function methods.match(regex, str) return internal.match(check(regex, "match"), subject(str, "match")) end

-- As HAProxy's, the class's methods are also the Regex table's: Regex.exec(regex, str).
setmetatable(Regex, { __index = methods })
_G.Regex = Regex
