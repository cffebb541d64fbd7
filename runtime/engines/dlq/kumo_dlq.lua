--[[
kumo_dlq: a dead-letter queue for log-tailer scripts, in plain Lua, that runs under kumod and in Kumo Policy Studio.
Copy it next to your policy and `local dlq = require 'kumo_dlq'`.

It writes the same files as Kumo Policy Studio's dead-letter engine, so `kumo-policy dlq list|replay|purge DIR`
works on the directory too:
  retry-NNNNNN.jsonl      {"ts":..,"attempt":N,"reason":"..","due":<unix ms>,"consumer":"..","payload":<record>}
  permanent-NNNNNN.jsonl  {"ts":..,"reason":"..","attempts":N,"consumer":"..","payload":<record>}
  replay.state            {"segment":"retry-NNNNNN.jsonl","line":N}  (next line to replay)

  local q = dlq.open { directory = '/var/spool/kumomta/dlq/webhook', max_attempts = 5, initial_wait = 1 }
  -- in the tailer loop, when a batch cannot be delivered:
  q:log_batch(batch:records(), err, batch:consumer_name())
  batch:commit()
  -- later (another `main` script, or on a timer):
  local counts = q:replay(function(record, envelope) post(record) end)   -- raise an error to fail a record

Replay waits min(initial_wait * 2^attempt, 30 s) plus up to 10 % jitter since a record's last failure; a record that
fails again is logged back with attempt + 1, and one reaching max_attempts goes to the permanent log. The state is
saved after each record, so an interrupted replay resumes at the right record (the record in flight may run twice).
]]

local M = {}

local function json_encode(v)
  return kumo.serde.json_encode(v)
end
local function json_decode(s)
  return kumo.serde.json_parse(s)
end
local function sleep(seconds)
  if seconds > 0 then kumo.time.sleep(seconds) end
end
local function now_ms()
  -- kumo.time.now() (kumod 2025.12.02+) has millisecond precision; os.time() is the fallback
  if kumo.time and kumo.time.now then
    local ok, ms = pcall(function() return kumo.time.now().unix_timestamp_millis end)
    if ok and type(ms) == 'number' then return ms end
  end
  return os.time() * 1000
end

local Queue = {}
Queue.__index = Queue

--- Opens (creating if needed) a dead-letter directory. Options: directory (required), max_segment_bytes
--- (default 64 MiB), initial_wait (seconds, default 1), max_attempts (default 5; 0 = unlimited).
function M.open(opts)
  assert(type(opts) == 'table' and type(opts.directory) == 'string', 'kumo_dlq.open: directory is required')
  local q = setmetatable({
    dir = opts.directory:gsub('/+$', ''),
    max_segment_bytes = opts.max_segment_bytes or 64 * 1024 * 1024,
    initial_wait = opts.initial_wait or 1,
    max_attempts = opts.max_attempts == nil and 5 or opts.max_attempts,
  }, Queue)
  if not io.open(q.dir .. '/.', 'r') then
    os.execute('mkdir -p ' .. string.format('%q', q.dir))
  end
  return q
end

--- min(initial * 2^attempt, 30) + up to 10 % jitter, in seconds.
function M.backoff(initial, attempt)
  if initial <= 0 then return 0 end
  local wait = math.min(initial * 2 ^ math.min(attempt, 60), 30)
  return wait + math.random() * wait / 10
end

local function seg_name(prefix, seq)
  return string.format('%s-%06d.jsonl', prefix, seq)
end

local function exists(path)
  local f = io.open(path, 'r')
  if f then f:close() return true end
  return false
end

local function size_of(path)
  local f = io.open(path, 'r')
  if not f then return 0 end
  local n = f:seek('end')
  f:close()
  return n
end

--- Existing segment numbers of `prefix`, ascending (they are contiguous: only the oldest are ever removed).
function Queue:segments(prefix)
  local seqs, seq, misses = {}, 1, 0
  while misses < 100000 do
    if exists(self.dir .. '/' .. seg_name(prefix, seq)) then
      seqs[#seqs + 1] = seq
    elseif #seqs > 0 then
      break
    else
      misses = misses + 1
    end
    seq = seq + 1
  end
  return seqs
end

function Queue:append(prefix, lines)
  local seqs = self:segments(prefix)
  local seq = seqs[#seqs] or 1
  local path = self.dir .. '/' .. seg_name(prefix, seq)
  if size_of(path) >= self.max_segment_bytes then
    path = self.dir .. '/' .. seg_name(prefix, seq + 1)
  end
  local f = assert(io.open(path, 'a'))
  assert(f:write(table.concat(lines)))
  assert(f:flush())
  f:close()
end

--- Dead-letters the records of a failed batch (attempt 1 unless given).
function Queue:log_batch(records, reason, consumer, attempt)
  attempt = attempt or 1
  local ts = os.time()
  local lines = {}
  local permanent = self.max_attempts > 0 and attempt >= self.max_attempts
  for _, record in ipairs(records) do
    local env
    if permanent then
      env = { ts = ts, reason = tostring(reason), attempts = attempt, consumer = consumer, payload = record }
    else
      env = {
        ts = ts, attempt = attempt, reason = tostring(reason), consumer = consumer, payload = record,
        due = now_ms() + math.floor(M.backoff(self.initial_wait, attempt) * 1000),
      }
    end
    lines[#lines + 1] = json_encode(env) .. '\n'
  end
  if #lines > 0 then self:append(permanent and 'permanent' or 'retry', lines) end
  return #lines
end

function Queue:log(record, reason, consumer, attempt)
  return self:log_batch({ record }, reason, consumer, attempt)
end

function Queue:save_state(segment, line)
  local path = self.dir .. '/replay.state'
  local tmp = path .. '.tmp'
  local f = assert(io.open(tmp, 'w'))
  f:write(json_encode { segment = segment, line = line })
  f:close()
  assert(os.rename(tmp, path))
end

function Queue:load_state()
  local f = io.open(self.dir .. '/replay.state', 'r')
  if not f then return nil end
  local text = f:read('a')
  f:close()
  local ok, st = pcall(json_decode, text)
  if ok and type(st) == 'table' and type(st.segment) == 'string' and type(st.line) == 'number' then return st end
  return nil
end

--- Re-runs the dead-lettered records through handler(record, envelope); returns counts
--- { delivered, failed, permanent, malformed }.
function Queue:replay(handler, opts)
  opts = opts or {}
  local counts = { delivered = 0, failed = 0, permanent = 0, malformed = 0 }
  repeat
    -- seal: new failures go to a fresh log while the current ones are replayed
    local seqs = self:segments('retry')
    local last = seqs[#seqs]
    local active = last or 0
    if last and size_of(self.dir .. '/' .. seg_name('retry', last)) > 0 then
      active = last + 1
      local f = assert(io.open(self.dir .. '/' .. seg_name('retry', active), 'a'))
      f:close()
    end
    local state = self:load_state()
    for _, seq in ipairs(seqs) do
      if seq >= active then break end
      local name = seg_name('retry', seq)
      local path = self.dir .. '/' .. name
      local start = (state and state.segment == name) and state.line or 0
      local index = 0
      for text in io.lines(path) do
        if index >= start and text:match('%S') then
          local ok, env = pcall(json_decode, text)
          if not ok or type(env) ~= 'table' or env.payload == nil then
            self:append('permanent', { json_encode { ts = os.time(), reason = 'unreadable dead-letter line ' .. name .. ':' .. (index + 1), payload = text } .. '\n' })
            counts.malformed = counts.malformed + 1
          else
            local attempt = tonumber(env.attempt) or 0
            if self.max_attempts > 0 and attempt >= self.max_attempts then
              self:append('permanent', { json_encode { ts = os.time(), reason = env.reason, attempts = attempt, consumer = env.consumer, payload = env.payload } .. '\n' })
              counts.permanent = counts.permanent + 1
            else
              local due = tonumber(env.due)
              local wait = due and (due - now_ms()) / 1000 or M.backoff(self.initial_wait, attempt)
              sleep(wait)
              local ok2, err = pcall(handler, env.payload, env)
              if ok2 then
                counts.delivered = counts.delivered + 1
              else
                attempt = attempt + 1
                if self.max_attempts > 0 and attempt >= self.max_attempts then
                  self:append('permanent', { json_encode { ts = os.time(), reason = tostring(err), attempts = attempt, consumer = env.consumer, payload = env.payload } .. '\n' })
                  counts.permanent = counts.permanent + 1
                else
                  self:append('retry', { json_encode {
                    ts = os.time(), attempt = attempt, reason = tostring(err), consumer = env.consumer, payload = env.payload,
                    due = now_ms() + math.floor(M.backoff(self.initial_wait, attempt) * 1000),
                  } .. '\n' })
                  counts.failed = counts.failed + 1
                end
              end
            end
          end
        end
        index = index + 1
        if index > start then self:save_state(name, index) end
      end
      os.remove(path)
      os.remove(self.dir .. '/replay.state')
    end
    local pending = 0
    for _, seq in ipairs(self:segments('retry')) do
      pending = pending + size_of(self.dir .. '/' .. seg_name('retry', seq))
    end
  until not opts.until_empty or pending == 0
  return counts
end

--- Counts: { retry = N records waiting, permanent = N records }.
function Queue:counts()
  local function lines(prefix)
    local n = 0
    for _, seq in ipairs(self:segments(prefix)) do
      for text in io.lines(self.dir .. '/' .. seg_name(prefix, seq)) do
        if text:match('%S') then n = n + 1 end
      end
    end
    return n
  end
  return { retry = lines('retry'), permanent = lines('permanent') }
end

return M
