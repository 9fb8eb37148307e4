-- The Lua side of HAProxy's Map class: Map.new(file, method) reads a map file into C#, lookups
-- go there. The match methods are HAProxy's numbers (pat_match_names), each as Map._name and,
-- for compatibility, Map.name.
local internal = __actorproxy_map
__actorproxy_map = nil
local setmetatable, error, select, type = setmetatable, error, select, type

local methods = { "found", "bool", "int", "ip", "bin", "len", "str", "beg", "sub", "dir", "dom", "end", "reg", "regm" }

Map = {}
Map.__index = Map
for number, name in ipairs(methods) do
  Map["_" .. name] = number - 1
  Map[name] = number - 1
end

function Map.new(...)
  local count = select("#", ...)
  if count < 1 or count > 2 then error("'new' needs at least 1 argument.", 2) end
  local file, method = ...
  if type(file) ~= "string" and type(file) ~= "number" then
    error("bad argument #1 to 'new' (string expected, got " .. type(file) .. ")", 2)
  end
  if count == 2 then
    if math.type(method) ~= "integer" then
      error("bad argument #2 to 'new' (number expected, got " .. type(method) .. ")", 2)
    end
    if method < 0 or method >= #methods then error("'new' needs a valid match method.", 2) end
  end
  local id, refusal = internal.load(tostring(file), methods[(method or 6) + 1])
  if not id then error(refusal, 2) end
  return setmetatable({ id = id }, Map)
end

local function lookup(self, ...)
  if select("#", ...) ~= 1 then error("'lookup' needs 2 arguments", 3) end
  return internal.lookup(self.id, ...)
end

function Map:lookup(...) local value = lookup(self, ...) return value end
function Map:slookup(...) return lookup(self, ...) or "" end

-- core.set_map and core.del_map change the configuration's map of a file, as the admin
-- channel's set map does: every converter of that file sees the change.
local function strings(name, count, ...)
  if select("#", ...) ~= count then error("'" .. name .. "' needs " .. count .. " arguments", 3) end
  local values = { ... }
  for i = 1, count do
    local value = values[i]
    if type(value) ~= "string" and type(value) ~= "number" then
      error("bad argument #" .. i .. " to '" .. name .. "' (string expected, got " .. type(value) .. ")", 3)
    end
    values[i] = tostring(value)
  end
  return table.unpack(values)
end

function core.set_map(...)
  local refusal = internal.set_map(strings("set_map", 3, ...))
  if refusal then error(refusal, 2) end
end

function core.del_map(...)
  local refusal = internal.del_map(strings("del_map", 2, ...))
  if refusal then error(refusal, 2) end
end

-- core.add_acl and core.del_acl change the patterns of a file as the add-acl and del-acl rules do.
function core.add_acl(...)
  local refusal = internal.add_acl(strings("add_acl", 2, ...))
  if refusal then error(refusal, 2) end
end

function core.del_acl(...)
  local refusal = internal.del_acl(strings("del_acl", 2, ...))
  if refusal then error(refusal, 2) end
end
