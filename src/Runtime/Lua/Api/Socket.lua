-- The Lua side of HAProxy's Socket class (core.tcp()). Each wait — connect, send, receive —
-- starts the operation in C#, yields, and reads the result once the state's owner resumed the
-- coroutine after the operation completed.
local internal = __actorproxy_socket
__actorproxy_socket = nil
local setmetatable, yield, select, error = setmetatable, coroutine.yield, select, error

local Socket = {}
Socket.__index = Socket
Socket.__gc = function(self) internal.close(self.id) end

local function wait(id)
  yield()
  return internal.result(id)
end

-- connect(address[, port]) and connect_ssl(address[, port]): 1, or nil and the reason.
-- HAProxy raises its errors from C, with no position in the message.
local function connect(self, tls, ...)
  if select("#", ...) < 1 then error("connect: need at least 2 arguments", 0) end
  local address, port = ...
  local refusal = internal.connect(self.id, address, port, tls)
  if refusal then error(refusal, 0) end
  return wait(self.id)
end
function Socket:connect(...) return connect(self, false, ...) end
function Socket:connect_ssl(...) return connect(self, true, ...) end

-- send(data): the number of bytes sent, or nil and the reason.
function Socket:send(data, i, j)
  if i or j then data = data:sub(i or 1, j or -1) end
  internal.send(self.id, data)
  return wait(self.id)
end

-- receive([pattern [, prefix]]): "*l" a line (the default), "*a" everything to the end, or a
-- number of bytes. On failure: nil, the reason ("closed", "timeout"), and what was read.
function Socket:receive(pattern, prefix)
  internal.receive(self.id, pattern or "*l")
  local data, err, partial = wait(self.id)
  if prefix then
    if data then data = prefix .. data else partial = prefix .. (partial or "") end
  end
  return data, err, partial
end

function Socket:settimeout(seconds) internal.settimeout(self.id, seconds) return 1 end
-- getpeername(), getsockname(): "ADDRESS:PORT" ("[ADDRESS]:PORT" for IPv6), or nil when not connected.
function Socket:getpeername() return internal.peername(self.id) end
function Socket:getsockname() return internal.sockname(self.id) end
-- HAProxy's does nothing, for compatibility with LuaSocket.
function Socket:setoption() end
function Socket:close() internal.close(self.id) return 1 end

function core.tcp()
  return setmetatable({ id = internal.open() }, Socket)
end
