-- The Lua side of HAProxy's HTTPClient class (core.httpclient()). A request is checked here with
-- HAProxy 2.6's messages (hlua_httpclient_send), started in C#, and waited for by yielding; the
-- answer is read once the state's owner resumed the coroutine after the exchange completed.
local internal = __actorproxy_httpclient
__actorproxy_httpclient = nil
local setmetatable, yield, pairs, type, error, select = setmetatable, coroutine.yield, pairs, type, error, select

local HTTPClient = {}
HTTPClient.__index = HTTPClient

-- HAProxy's answer table: a header's first value at index 0, the next ones from 1 (as 2.6's
-- hlua_httpclient_get_headers indexes them).
local function answer(status, reason, body, ...)
  local headers = {}
  for i = 1, select("#", ...), 2 do
    local name, value = select(i, ...)
    local values = headers[name]
    if values == nil then
      headers[name] = { [0] = value }
    else
      values[#values + 1] = value
    end
  end
  return { status = status, reason = reason, body = body, headers = headers }
end

local function send(self, method, ...)
  if not internal.can_wait() then
    error("The 'get' function is only allowed in 'frontend', 'backend' or 'task'", 3)
  end
  local request = ...
  if select("#", ...) ~= 1 or type(request) ~= "table" then
    error("'get' needs a table as argument", 3)
  end
  local url, body, timeout, dst
  local fields = {}
  for key, value in pairs(request) do
    if key == "dst" then
      dst = value
    elseif key == "url" then
      if type(value) ~= "string" then error("invalid parameter in 'url', must be a string", 3) end
      url = value
    elseif key == "timeout" then
      if type(value) ~= "number" then error("invalid parameter in 'timeout', must be a number", 3) end
      timeout = value
    elseif key == "headers" then
      if type(value) ~= "table" then error("invalid parameter in 'headers', must be a table", 3) end
      -- As HAProxy: names that are not strings and values that are not tables or strings are skipped.
      for name, values in pairs(value) do
        if type(name) == "string" and type(values) == "table" then
          for _, field in pairs(values) do
            if type(field) == "string" or type(field) == "number" then
              fields[#fields + 1] = name
              fields[#fields + 1] = tostring(field)
            end
          end
        end
      end
    elseif key == "body" then
      if type(value) ~= "string" then error("invalid parameter in 'body', must be a string", 3) end
      body = value
    else
      error("'" .. tostring(key) .. "' invalid parameter name", 3)
    end
  end
  if not url then
    error("'get' need a 'url' argument", 3)
  end
  local id, refusal = internal.start(method, url, body, timeout, dst, table.unpack(fields))
  if not id then error(refusal, 3) end
  yield()
  return answer(internal.result(id))
end

-- Not tail calls: an error names the line of the script that called the method (level 3 of
-- send), as HAProxy's C methods do.
function HTTPClient:get(...) local answer = send(self, "GET", ...) return answer end
function HTTPClient:head(...) local answer = send(self, "HEAD", ...) return answer end
function HTTPClient:put(...) local answer = send(self, "PUT", ...) return answer end
function HTTPClient:post(...) local answer = send(self, "POST", ...) return answer end
function HTTPClient:delete(...) local answer = send(self, "DELETE", ...) return answer end

-- As HAProxy: outside a running function (a file's body) there is no client, and nothing is returned.
function core.httpclient()
  if not internal.can_wait() then return end
  return setmetatable({}, HTTPClient)
end
