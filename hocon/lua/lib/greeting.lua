-- A module found through lua-prepend-path.
local greeting = {}

function greeting.for_state(id)
  if id == 0 then
    return "shared state ready"
  end
  return "worker " .. id .. " ready"
end

return greeting
