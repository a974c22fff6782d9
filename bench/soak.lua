-- wrk script of bench/soak.sh and bench/render.sh: one kind of request,
-- with the count of each HTTP status printed at the end.
--
--   wrk ... -s bench/soak.lua URL -- list FILE
--       each request asks for the next path of FILE (one path per line,
--       starting with '/'), from a line of its own for each thread, and
--       wraps around at the end;
--   wrk ... -s bench/soak.lua URL -- regions ID WIDTH HEIGHT SIZE FORMAT
--       each request asks for a region of image ID (WIDTH×HEIGHT) that no
--       other request of the run asks for, scaled to SIZE pixels wide, in
--       FORMAT (jpg, png...): no cache can answer it, every one is rendered.
--       SIZE "max" asks for the region at full size.
--
-- At the end it prints "status CODE COUNT" for every status seen, and
-- "statuses none" when no response came back.

local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("tid", count)
  table.insert(threads, thread)
end

function init(args)
  codes = {}
  n = 0
  mode = args[1]
  if mode == "list" then
    paths = {}
    for line in io.lines(args[2]) do
      if #line > 0 then
        paths[#paths + 1] = line
      end
    end
    if #paths == 0 then
      error("no paths in " .. tostring(args[2]))
    end
    -- Threads start far apart in the list, so that they do not ask for
    -- the same path at about the same time.
    nxt = math.floor((tid - 1) * #paths / 16) % #paths
  elseif mode == "regions" then
    id = args[2]
    iw = tonumber(args[3])
    ih = tonumber(args[4])
    size = args[5]
    fmt = args[6] or "jpg"
    if not (id and iw and ih and size) then
      error("regions needs ID WIDTH HEIGHT SIZE [FORMAT]")
    end
    -- Region sides run from a sixth to a third of the image's. Request n
    -- gets the offset m = n * P mod (xr * yr), x = m mod xr,
    -- y = m div xr, with P the prime 2654435761 (larger than xr * yr, so
    -- prime to it): a bijection, so no offset comes twice in xr * yr
    -- requests (48 million for 12000×9000), and P / (xr * yr) is far from
    -- any simple fraction, so that offsets scatter over the image. Each
    -- thread has its own range of n. P is reduced first to keep n * P
    -- exact in a double.
    rw = math.floor(iw / 6)
    rh = math.floor(ih / 6)
    xr = iw - 2 * rw
    yr = ih - 2 * rh
    if xr * yr >= 2654435761 then
      error("image too large for unique regions")
    end
    pm = 2654435761 % (xr * yr)
    n = (tid - 1) * 1000003
  else
    error("first argument: list or regions")
  end
end

function request()
  if mode == "list" then
    local p = paths[nxt + 1]
    nxt = (nxt + 1) % #paths
    return wrk.format("GET", p)
  end
  n = n + 1
  local m = (n * pm) % (xr * yr)
  local x = m % xr
  local y = math.floor(m / xr)
  local w = rw + (n * 31) % rw
  local h = rh + (n * 17) % rh
  local s = size
  if s ~= "max" then
    s = s .. ","
  end
  return wrk.format("GET", string.format("/iiif/%s/%d,%d,%d,%d/%s/0/default.%s", id, x, y, w, h, s, fmt))
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("codes")
    if c then
      for k, v in pairs(c) do
        total[k] = (total[k] or 0) + v
      end
    end
  end
  local keys = {}
  for k in pairs(total) do
    keys[#keys + 1] = k
  end
  table.sort(keys)
  if #keys == 0 then
    io.write("statuses none\n")
  end
  for _, k in ipairs(keys) do
    io.write(string.format("status %d %d\n", k, total[k]))
  end
end
