--[[
dead_letter.lua: a dead-letter queue for KumoMTA tailer scripts, so that a batch whose processing fails is
kept on disk instead of dropped, and replayed later with backoff. It uses only kumo.jsonl.new_writer and
kumo.jsonl.new_tailer, so it runs the same under kumod (`kumod --script`) and `kumo-policy tail`.
Copy it next to your policy (or anywhere on package.path) and:

  local dead_letter = require 'dead_letter'
  local dlq = dead_letter.open { directory = '/var/spool/kumo-dlq/webhook' }

  -- in your batch loop, when a batch cannot be delivered:
  dlq:log(batch:records(), 'POST to ' .. url .. ' failed: 503', { consumer = batch:consumer_name() })
  batch:commit()   -- the records are safe in the dead-letter queue; the other consumers keep moving

  -- in a separate script (or task), re-run them through a handler:
  dlq:replay(function(record, envelope)
    local ok, why = post({ record }, envelope.consumer)
    return ok, why      -- true: delivered; false/nil (or an error): failed again
  end)

On disk (one directory per queue), every file is a kumo-jsonl segment (zstd, finished = read-only):
  <timestamp>.retry      records to retry, one envelope per line:
                         {"ts":<unix s>,"attempt":N,"reason":"...","due":<unix ms>,"consumer":"...","payload":<record>}
  <timestamp>.permanent  records that used up max_attempts: {"ts":...,"reason":"...","attempts":N,"consumer":...,"payload":...}
  .dead-letter-replay    the replay's checkpoint (kumod's tailer checkpoint format)
The envelopes are those of Kumo Policy Studio's dead-letter engine (go-dletter's, plus `due` and `consumer`):
`kumo-policy dlq list|replay|purge DIR` read this directory.

Each log() call writes one finished segment before it returns, so a crash after log() loses nothing; commit
the tailer batch only after log() returned. Replay is at-least-once: a record whose handler ran but whose
position was not committed yet (crash) is tried again.
Backoff before try N+1 of a record: min(initial_wait * 2^N, 30 s) plus up to 10 % jitter (go-dletter's calcWait).

If the process dies inside log(), the segment it was writing stays writable, and a tailer never reads past a
writable segment: replay() would wait there. Make it read-only (`chmod a-w DIR/*.retry`, as kumod does for its
own log directories at startup); `kumo-policy dlq` does that itself for segments unchanged for a minute.
]]
local kumo = require 'kumo'

local M = {}
M.MAX_BACKOFF_SECONDS = 30

local Queue = {}
Queue.__index = Queue

local function now_ms()
  local ok, t = pcall(kumo.time.now)
  if ok and type(t) ~= 'nil' then
    local ms = t.unix_timestamp_millis
    if type(ms) == 'number' then return ms + 0.0 end
  end
  return os.time() * 1000.0
end

--- Wait in seconds before try number `attempt` + 1: min(initial * 2^attempt, 30 s) + [0, 10 %) jitter.
function M.backoff(initial_seconds, attempt)
  if not initial_seconds or initial_seconds <= 0 then return 0 end
  local exp = math.min(math.max(attempt, 0), 60)
  local wait = math.min(initial_seconds * (2.0 ^ exp), M.MAX_BACKOFF_SECONDS)
  return wait + math.random() * wait / 10
end

--- Opens (creates on first write) the queue in config.directory.
-- config: directory (required), max_attempts (default 5; 0 = unlimited), initial_wait (seconds, default 1),
--         max_file_size (bytes per segment, default 64 MiB), replay_checkpoint (default 'dead-letter-replay')
function M.open(config)
  assert(type(config) == 'table' and type(config.directory) == 'string', 'dead_letter.open{ directory = "..." } is required')
  local q = setmetatable({
    directory = config.directory,
    max_attempts = config.max_attempts or 5,
    initial_wait = config.initial_wait or 1,
    max_file_size = config.max_file_size or 64 * 1024 * 1024,
    replay_checkpoint = config.replay_checkpoint or 'dead-letter-replay',
    logged = 0,
    delivered = 0,
    failed = 0,
    permanent = 0,
  }, Queue)
  return q
end

-- Writes envelopes to a new segment with the given suffix and finishes it (durable when this returns).
local function write_segment(q, suffix, envelopes)
  if #envelopes == 0 then return end
  local writer = kumo.jsonl.new_writer {
    log_dir = q.directory,
    suffix = suffix,
    max_file_size = q.max_file_size,
  }
  local ok, err = pcall(function()
    for _, env in ipairs(envelopes) do writer:write_record(env) end
  end)
  writer:close()
  if not ok then error(err, 0) end
end

local function retry_envelope(q, record, reason, attempt, consumer)
  return {
    ts = os.time(),
    attempt = attempt,
    reason = tostring(reason),
    due = now_ms() + M.backoff(q.initial_wait, attempt) * 1000,
    consumer = consumer,
    payload = record,
  }
end

local function permanent_envelope(record, reason, attempts, consumer)
  return { ts = os.time(), reason = tostring(reason), attempts = attempts, consumer = consumer, payload = record }
end

--- Dead-letters `records` (a sequence, e.g. batch:records()) that failed with `reason`.
-- opts: consumer (name kept with each record), attempt (the try that failed, default 1).
-- Returns the number of records written. Raises if they could not be written (then do not commit).
function Queue:log(records, reason, opts)
  opts = opts or {}
  local attempt = opts.attempt or 1
  local retry, permanent = {}, {}
  for _, record in ipairs(records) do
    if self.max_attempts > 0 and attempt >= self.max_attempts then
      table.insert(permanent, permanent_envelope(record, reason, attempt, opts.consumer))
    else
      table.insert(retry, retry_envelope(self, record, reason, attempt, opts.consumer))
    end
  end
  write_segment(self, '.retry', retry)
  write_segment(self, '.permanent', permanent)
  self.logged = self.logged + #records
  self.permanent = self.permanent + #permanent
  return #records
end

--- Re-runs dead-lettered records through handler(record, envelope), oldest first, waiting for each record's
-- backoff. handler returns true when delivered; false/nil (optionally with a reason) or an error means it
-- failed again: the record is logged back with attempt + 1, or moved to the permanent log once it reaches
-- max_attempts. Runs until the tailer ends: under kumod it keeps waiting for new dead letters; under
-- `kumo-policy tail --exit-when-caught-up` it returns once everything (including retries) was settled.
-- opts: on_outcome(outcome, envelope) with outcome 'delivered' | 'failed' | 'permanent'.
function Queue:replay(handler, opts)
  opts = opts or {}
  local tailer = kumo.jsonl.new_tailer {
    directory = self.directory,
    pattern = '*.retry',
    checkpoint_name = self.replay_checkpoint,
    max_batch_size = 1,
    max_batch_latency = '100ms',
  }
  for batch in tailer:batches() do
    for env in batch:iter_records() do
      local attempt = tonumber(env.attempt) or 0
      local outcome
      if self.max_attempts > 0 and attempt >= self.max_attempts then
        write_segment(self, '.permanent', { permanent_envelope(env.payload, env.reason, attempt, env.consumer) })
        outcome = 'permanent'
      else
        local due = tonumber(env.due)
        local wait = due and (due - now_ms()) / 1000 or M.backoff(self.initial_wait, attempt)
        if wait > 0 then kumo.time.sleep(wait) end
        local ok, delivered, why = pcall(handler, env.payload, env)
        if ok and delivered then
          outcome = 'delivered'
        else
          local reason = ok and (why or 'handler returned false') or delivered
          local next_attempt = attempt + 1
          if self.max_attempts > 0 and next_attempt >= self.max_attempts then
            write_segment(self, '.permanent', { permanent_envelope(env.payload, reason, next_attempt, env.consumer) })
            outcome = 'permanent'
          else
            write_segment(self, '.retry', { retry_envelope(self, env.payload, reason, next_attempt, env.consumer) })
            outcome = 'failed'
          end
        end
      end
      if outcome == 'delivered' then self.delivered = self.delivered + 1
      elseif outcome == 'failed' then self.failed = self.failed + 1
      else self.permanent = self.permanent + 1 end
      if opts.on_outcome then opts.on_outcome(outcome, env) end
    end
    batch:commit()
  end
  tailer:close()
  return { delivered = self.delivered, failed = self.failed, permanent = self.permanent }
end

return M
