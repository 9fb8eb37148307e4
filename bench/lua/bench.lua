-- The same Lua for HAProxy and ActorProxy in bench/compare.sh.
core.register_action("tag", { "http-req" }, function(txn)
  txn.http:req_set_header("X-Tag", "1")
end)

core.register_service("hello", "http", function(applet)
  local body = "hello\n"
  applet:set_status(200)
  applet:add_header("content-type", "text/plain")
  applet:add_header("content-length", tostring(#body))
  applet:start_response()
  applet:send(body)
end)
