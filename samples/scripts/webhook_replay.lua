--[[
Replays the dead letters written by webhook.lua: each record is posted again (as a one-element JSON array)
to its customer's endpoint, with exponential backoff (capped at 30 s, plus up to 10 % jitter); records
that reach max_attempts go to the permanent-failure log.

  kumo-policy tail samples/scripts/webhook_replay.lua --path 'samples/lua/?.lua' --exit-when-caught-up -- \
      http://127.0.0.1:8025 /tmp/dlq [max_attempts] [initial_wait_seconds]
]]
local kumo = require 'kumo'
local dead_letter = require 'dead_letter'

kumo.on('main', function(base_url, dlq_dir, max_attempts, initial_wait)
  assert(base_url and dlq_dir, 'usage: webhook_replay.lua BASE_URL DLQ_DIR [MAX_ATTEMPTS] [INITIAL_WAIT_SECONDS]')
  local client = kumo.http.build_client {}
  local dlq = dead_letter.open {
    directory = dlq_dir,
    max_attempts = tonumber(max_attempts) or 5,
    initial_wait = tonumber(initial_wait) or 1,
  }
  local result = dlq:replay(function(record, envelope)
    local url = base_url .. '/' .. (envelope.consumer or record.egress_pool or 'unknown')
    local response = client:post(url):header('Content-Type', 'application/json'):body(kumo.serde.json_encode({ record })):send()
    if response:status_is_success() then return true end
    return false, string.format('%d %s', response:status_code(), response:status_reason())
  end)
  client:close()
  print(string.format('replay: %d delivered, %d failed again, %d permanently failed', result.delivered, result.failed, result.permanent))
end)
