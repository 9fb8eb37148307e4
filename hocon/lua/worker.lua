-- Loaded into every worker's own state (lua-load-per-thread): core.thread is the worker's
-- number here, and a task registered here runs on that worker's thread only.
local greeting = require("greeting")

-- lua.tag: tells the origin which worker handled the request.
core.register_action("tag", { "http-req" }, function(txn)
  txn.http:req_set_header("X-Worker", tostring(core.thread))
end)

core.register_task(function()
  core.Info(greeting.for_state(core.thread))
end)
