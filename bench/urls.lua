-- wrk script of bench/iiif.sh: each request asks for the next path of a
-- list read from a file (one path per line, starting with '/').
--
--   wrk -t2 -c32 -d10s --latency -s bench/urls.lua http://127.0.0.1:PORT -- LIST THREADS
--
-- THREADS must equal wrk's -t. Thread k of n (k = 1..n) asks for lines
-- k, k+n, k+2n, ... and wraps around at the end, so the threads never ask
-- for the same path at about the same time, and a path comes back only
-- after the whole list has been asked for.

local count = 0

function setup(thread)
  count = count + 1
  thread:set("tid", count)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths in " .. tostring(args[1]))
  end
  step = tonumber(args[2]) or 1
  nxt = (tid - 1) % #paths
end

function request()
  local p = paths[nxt + 1]
  nxt = (nxt + step) % #paths
  return wrk.format("GET", p)
end
