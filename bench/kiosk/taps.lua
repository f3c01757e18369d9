-- wrk script for bench/kiosk/run.py: each request is a new tap (its own idempotency key), the kiosks
-- taken in turn; `wrk ... -- KEY-PREFIX PATH SERVICE [PATH SERVICE ...]` (a prefix per wrk process, so that
-- two never send the same key). Prints one JSON line when done.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  prefix, targets = args[1], {}
  for i = 2, #args, 2 do
    table.insert(targets, { args[i], args[i + 1] })
  end
  taps, failures = 0, 0
end

function request()
  taps = taps + 1
  local target = targets[(taps % #targets) + 1]
  local body = string.format('{"service_id": %s, "idempotency_key": "%s-%d-%09d"}', target[2], prefix, id, taps)
  return wrk.format("POST", target[1], { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    failures = failures + 1
    if failures == 1 then
      io.stderr:write(string.format("a tap got %d: %s\n", status, string.sub(body, 1, 200)))
    end
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  io.write(string.format('{"requests": %d, "seconds": %.3f, "failed": %d, "median_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, failed, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
