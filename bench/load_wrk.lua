-- wrk script for bench/load.py: rotate over a list of request paths and report the run as one JSON line.
--
--   wrk -t2 -c32 -d30s --timeout 20s -s bench/load_wrk.lua http://127.0.0.1:PORT -- PATHS_FILE
--
-- PATHS_FILE holds one path per line (already URL-encoded, starting with "/"). Each thread starts at a
-- different place in the list and walks it in order. Responses are counted by status class in each thread;
-- done() adds them up and prints one line "QFQ-LOAD-JSON {...}" (latencies in microseconds) that load.py
-- parses. wrk's own error counters (connect, read, write, timeout, status >= 400) are included as they are.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  local file = assert(io.open(args[1], "r"), "cannot open the paths file")
  for line in file:lines() do
    if #line > 0 then
      table.insert(paths, line)
    end
  end
  file:close()
  assert(#paths > 0, "the paths file is empty")
  index = ((id - 1) * 7) % #paths
  ok = 0          -- 2xx
  non2xx = 0      -- any other status
  responses = 0
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  responses = responses + 1
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local ok_total, non2xx_total, responses_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    non2xx_total = non2xx_total + thread:get("non2xx")
    responses_total = responses_total + thread:get("responses")
  end
  local e = summary.errors
  io.write(string.format(
    'QFQ-LOAD-JSON {"duration_us": %d, "requests": %d, "bytes": %d, "responses": %d, "ok": %d, "non2xx": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, '
    .. '"lat_min": %d, "lat_mean": %.1f, "lat_max": %d, "lat_stdev": %.1f, '
    .. '"p50": %d, "p90": %d, "p99": %d, "p999": %d}\n',
    summary.duration, summary.requests, summary.bytes, responses_total, ok_total, non2xx_total,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max, latency.stdev,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
