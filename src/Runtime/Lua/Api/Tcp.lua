-- The Lua side of HAProxy's AppletTCP class. The C# helpers act on the TCP session the state
-- is running now; a read with nothing to read yields until the session's owner resumes it
-- with more input or the end of the stream.
local internal = __actorproxy_tcp
__actorproxy_tcp = nil
local setmetatable, yield = setmetatable, coroutine.yield

local Applet = {}
Applet.__index = Applet

-- receive([size]): size bytes, or everything up to the end of the stream without size;
-- less at the end, "" once the stream is over.
function Applet:receive(size)
  while true do
    local data = internal.receive(size)
    if data then return data end
    yield()
  end
end

-- getline(): up to and including the next "\n", or the rest at the end of the stream.
function Applet:getline()
  while true do
    local line = internal.getline()
    if line then return line end
    yield()
  end
end

function Applet:send(data) internal.send(data) end
function Applet:get_var(name) return internal.get_var(name) end
function Applet:set_var(name, value, ifexist) return internal.set_var(name, value, ifexist) end
function Applet:unset_var(name) return internal.set_var(name, nil) end
function Applet:get_priv() return self.priv end
function Applet:set_priv(value) self.priv = value end

-- applet.f:src() is the src fetch; sf and sc return strings, as on TXN.
local function samples(call, as_string)
  return setmetatable({}, {
    __index = function(t, name)
      local f = function(_, ...) return call(name, as_string, ...) end
      t[name] = f
      return f
    end,
  })
end
local f, sf = samples(internal.fetch, false), samples(internal.fetch, true)
local c, sc = samples(internal.convert, false), samples(internal.convert, true)

local function new_applet() return setmetatable({ f = f, sf = sf, c = c, sc = sc }, Applet) end

local function service(fn) return fn(new_applet()) end

-- A CLI command registered with core.register_cli: fn(applet, arguments...).
local function cli(fn, ...) return fn(new_applet(), ...) end

return service, cli
