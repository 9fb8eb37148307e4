-- Loaded into every worker's own state (lua-load-per-thread): core.thread is the worker's
-- number here, and a task registered here runs on that worker's thread only.
local greeting = require("greeting")

core.register_task(function()
  core.Info(greeting.for_state(core.thread))
end)
