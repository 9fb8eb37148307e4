-- Loaded once, into the shared state (lua-load): one state for the whole cluster, run by the
-- shared-state singleton, so its data is shared by every worker.
local greeting = require("greeting")

local requests = 0

-- lua.request_id: a number unique to each request across all workers.
core.register_fetches("request_id", function(txn)
  requests = requests + 1
  return requests
end)

-- lua.hello: an HTTP service.
core.register_service("hello", "http", function(applet)
  local body = "Hello from ActorProxy's shared Lua state: " .. requests .. " request(s) proxied so far.\n"
  applet:set_status(200)
  applet:add_header("content-type", "text/plain")
  applet:add_header("content-length", tostring(#body))
  applet:start_response()
  applet:send(body)
end)

core.register_init(function()
  core.Info(greeting.for_state(core.thread))
end)

-- A heartbeat: one line a minute while the node runs.
core.register_task(function()
  local beats = 0
  while true do
    core.sleep(60)
    beats = beats + 1
    core.Info("heartbeat " .. beats .. ", " .. requests .. " request(s)")
  end
end)
