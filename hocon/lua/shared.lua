-- Loaded once, into the shared state (lua-load). Its task runs in the shared-state singleton.
local greeting = require("greeting")

core.register_init(function()
  core.Info(greeting.for_state(core.thread))
end)

-- A heartbeat: one line a minute while the node runs.
core.register_task(function()
  local beats = 0
  while true do
    core.sleep(60)
    beats = beats + 1
    core.Info("heartbeat " .. beats)
  end
end)
