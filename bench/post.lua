-- wrk script: POST /api/posts with a unique title per request (so no slug probing), a few KiB
-- of markdown and a tag. Usage: wrk ... -s post.lua URL -- TOKEN RUNTAG
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local counter = 0
local headers = {}
local runtag = "run"
local markdown = string.rep("Some *markdown* with a [link](https://example.org) and `code`. ", 48)

function init(args)
  headers["Authorization"] = "Bearer " .. (args[1] or "")
  headers["Content-Type"] = "application/json"
  runtag = args[2] or runtag
end

function request()
  counter = counter + 1
  local body = '{"title":"Wrk ' .. runtag .. ' ' .. tid .. ' ' .. counter .. '","markdown":"' .. markdown ..
               '","tags":["bench","wrk"],"status":"published"}'
  return wrk.format("POST", nil, headers, body)
end
