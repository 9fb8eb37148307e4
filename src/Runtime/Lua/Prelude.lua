-- Runs once in every new state, before any user code. It builds the Lua side of the bridge
-- to C#: C# functions never raise a Lua error themselves (the error would unwind through a
-- managed frame); they return a failure marker and a message, and the wrapper made here raises.
local failure = ...
local sethook = debug.sethook
local error, rawequal, rawget, rawset, type = error, rawequal, rawget, rawset, type
local package = package

local function check(first, ...)
  if rawequal(first, failure) then
    -- Level 2 names the Lua code that called the C# function: check is a tail call.
    error((...), 2)
  end
  return first, ...
end

local helpers = {}

-- Makes the Lua function that callers see from the raw C closure, and stores it as
-- globals[name] or globals[table][name].
function helpers.expose(globals, tname, name, raw)
  local f = function(...) return check(raw(...)) end
  local t = globals
  if tname then
    t = rawget(globals, tname)
    if type(t) ~= "table" then
      t = {}
      rawset(globals, tname, t)
    end
  end
  rawset(t, name, f)
end

-- Makes <co> raise <message> at its next instruction. Called from the count hook when a call
-- runs past its timeout where it cannot yield; the raise happens in Lua's own hook, after the
-- managed hook has returned.
function helpers.abort(co, message)
  sethook(co, function() error(message, 0) end, "", 1)
end

-- lua-prepend-path
function helpers.prepend_path(field, path)
  package[field] = path .. ";" .. package[field]
end

return helpers
