--[[
Per-customer batched webhook (KumoMTA's new_multi_tailer example), adapted to run on one machine and to
never drop a batch: a batch that still fails after its retries goes to a dead-letter queue
(samples/lua/dead_letter.lua) instead of being dropped, then the batch is committed so the other customers
keep moving. Replay the dead letters later with samples/scripts/webhook_replay.lua or `kumo-policy dlq`.

  kumo-policy receiver --port 8025 --fail-rate 0.3 &
  kumo-policy segments generate /tmp/logs --records 5000 --segments 4
  kumo-policy tail samples/scripts/webhook.lua --exit-when-caught-up -- \
      /tmp/logs http://127.0.0.1:8025 /tmp/dlq [max_retries] [retry_delay_seconds]

ARGS: log directory, receiver base URL (each customer posts to BASE/<customer>), dead-letter directory,
then optionally max_retries (default 5) and retry_delay_seconds (default 2), as in the original example.
Under kumod, run it with `kumod --script webhook.lua` after replacing the ARGS by your own values.
]]
local kumo = require 'kumo'
-- dead_letter.lua is found next to the policy or on package.path (kumo-policy tail --path 'samples/lua/?.lua').
local dead_letter = require 'dead_letter'

kumo.on('main', function(log_dir, base_url, dlq_dir, max_retries_arg, retry_delay_arg)
  assert(log_dir and base_url and dlq_dir, 'usage: webhook.lua LOG_DIR BASE_URL DLQ_DIR [MAX_RETRIES] [RETRY_DELAY_SECONDS]')
  -- Map each customer (egress pool name) to their webhook endpoint.
  local endpoints = {
    ['customer-a'] = base_url .. '/customer-a',
    ['customer-b'] = base_url .. '/customer-b',
    ['customer-c'] = base_url .. '/customer-c',
  }

  local client = kumo.http.build_client {}
  local max_retries = tonumber(max_retries_arg) or 5
  local retry_delay_seconds = tonumber(retry_delay_arg) or 2
  local dlq = dead_letter.open { directory = dlq_dir }
  local delivered, dead_lettered = 0, 0

  -- Perform the HTTP POST to the given url and return the response.
  local function post_batch(url, payload)
    return client:post(url):header('Content-Type', 'application/json'):body(payload):send()
  end

  -- Encode the records as a JSON array, then post to url with retries. Returns true when delivered, or
  -- false and the reason once the retries are used up (or the failure is not retryable).
  local function process_batch(url, records)
    local payload = kumo.serde.json_encode(records)
    for attempt = 1, max_retries do
      local ok, response = pcall(post_batch, url, payload)
      local disposition, retryable
      if not ok then
        disposition = tostring(response) -- connection refused, timeout...
        retryable = true
      elseif response:status_is_success() then
        return true
      else
        local status = response:status_code()
        disposition = string.format('%d %s: %s', status, response:status_reason(), response:text())
        -- 429 Too Many Requests and 5xx server errors are transient and worth retrying. Other 4xx are not.
        retryable = status == 429 or status >= 500
      end
      if not retryable or attempt == max_retries then
        return false, string.format('webhook post to %s failed (attempt %d/%d): %s', url, attempt, max_retries, disposition)
      end
      kumo.log_error(string.format('webhook post to %s failed (attempt %d/%d), retrying in %ss: %s',
        url, attempt, max_retries, retry_delay_seconds, disposition))
      kumo.time.sleep(retry_delay_seconds)
    end
  end

  -- Build one consumer per customer, filtering on egress_pool.
  local consumers = {}
  for name, _ in pairs(endpoints) do
    local pool = name
    table.insert(consumers, {
      name = pool,
      checkpoint_name = 'webhook-' .. pool,
      max_batch_size = 100,
      max_batch_latency = '1s',
      filter = function(record)
        return record.egress_pool == pool
      end,
    })
  end

  local tailer = kumo.jsonl.new_multi_tailer {
    directory = log_dir,
    consumers = consumers,
  }

  for batches in tailer:batches() do
    for _, batch in ipairs(batches) do
      local customer = batch:consumer_name()
      local records = batch:records()
      local ok, why = process_batch(endpoints[customer], records)
      if ok then
        delivered = delivered + #records
      else
        -- Instead of dropping the batch: keep it in the dead-letter queue, then commit.
        dlq:log(records, why, { consumer = customer })
        dead_lettered = dead_lettered + #records
        kumo.log_error(string.format('%d records for %s dead-lettered: %s', #records, customer, why))
      end
      batch:commit()
    end
  end
  tailer:close()
  client:close()
  print(string.format('delivered %d records, dead-lettered %d records', delivered, dead_lettered))
end)
