import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { capturingEngine, printed, tempPolicy } from './test-support';
import { LuaError } from './errors';

/** The seed's examples, unchanged, with the bits around them that a policy would have. */
const GET_QUEUE = `local function get_queue()
return kumo.mpsc.define 'my-example-queue'
end
`;
const SEED_BATCH = `${GET_QUEUE}kumo.on('init', function()
-- Spawn a task that will process items that were sent to the queue.
-- It will try to pull items in batches of up to 128 at a time
kumo.spawn_task {
event_name = 'my.queue.task',
args = {},
}
end)
kumo.on('my.queue.task', function(args)
-- Get a reference to the unbounded queue we created during \`init\`
local q = get_queue()
while true do
local batch = q:recv_many(128)
print(string.format('got a batch of %d items', #batch))
for idx, item in ipairs(batch) do
print(string.format('item idx %d: %s', idx, item))
end
end
end)
-- Calling this function will submit an item to the queue
local function submit_item(item)
local q = get_queue()
q:send(item)
end
`;
const SEED_RECV = `${GET_QUEUE}kumo.on('init', function()
-- Spawn a task that will process items that were sent to the queue.
-- It will try to pull items in batches of up to 128 at a time
kumo.spawn_task {
event_name = 'my.queue.task',
args = {},
}
end)
kumo.on('my.queue.task', function(args)
-- Get a reference to the unbounded queue we created during \`init\`
local q = get_queue()
while true do
local item = q:recv()
if item then
print('got', item)
else
break
end
end
end)
`;

async function policy(code: string, timeoutMs = 10_000) {
  const dir = tempPolicy({ 'init.lua': code });
  const c = capturingEngine(dir, { timeoutMs });
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  return c;
}

test('seed: recv_many batches; once closed, recv_many returns an empty table and the doc loop spins', async () => {
  const c = await policy(`local kumo = require 'kumo'\n${SEED_BATCH}
kumo.on('submit', function(...) for _, v in ipairs({...}) do submit_item(v) end end)
kumo.on('close', function() get_queue():close() end)`, 300);
  await c.engine.fireEvent('init');
  await c.engine.fireEvent('submit', ['a', 'b', 'c']);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(printed(c), 'got a batch of 3 items\nitem idx 1: a\nitem idx 2: b\nitem idx 3: c\n');
  // The consumer is waiting in recv_many, so kumod's close does not take the receiver lock: nothing changes.
  await c.engine.fireEvent('close');
  await c.engine.fireEvent('submit', ['d']);
  await new Promise((r) => setTimeout(r, 20));
  assert.match(printed(c), /got a batch of 1 items\nitem idx 1: d\n$/);
  assert.equal(c.engine.backgroundErrors.length, 0);
});

test('seed: recv loop ends when the queue is closed and drained', async () => {
  const c = await policy(`local kumo = require 'kumo'\n${SEED_RECV}
kumo.on('fill_and_close', function()
  local q = get_queue()
  for i = 1, 3 do q:send(i) end
  q:close()
  print('closed', q:is_closed(), q:len(), q:is_empty())
end)`);
  await c.engine.fireEvent('fill_and_close');
  await c.engine.fireEvent('init');
  assert.equal(await c.engine.settle(1000), 0);
  assert.equal(printed(c), 'closed\ttrue\t3\tfalse\ngot\t1\ngot\t2\ngot\t3\n');
});

test('recv_many on a closed, drained queue returns an empty table (not nil)', async () => {
  const c = await policy(`local kumo = require 'kumo'
local q = kumo.mpsc.define('closed-q')
q:send('x')
q:close()
local a = q:recv_many(10)
local b = q:recv_many(10)
print(#a, a[1], type(b), #b, q:recv(), q:try_recv())`);
  assert.equal(printed(c), '1\tx\ttable\t0\tnil\tnil\n');
});

test('define is idempotent and the first limit wins; try_send, send_timeout, sends after close', async () => {
  const c = await policy(`local kumo = require 'kumo'
local q = kumo.mpsc.define('b', 2)
local again = kumo.mpsc.define('b', 100)
print(q:try_send(1), again:try_send(2), q:try_send(3), q:len())
local t0 = os.clock()
local ok, err = pcall(q.send_timeout, q, 4, 0.05)
print(ok, err)
print(kumo.mpsc.define('u'):send_timeout('anything', 0))
q:close()
print(q:try_send(5), pcall(q.send, q, 6))
print(pcall(kumo.mpsc.define, 'zero', 0))`);
  const lines = printed(c).split('\n');
  assert.equal(lines[0], 'true\ttrue\tfalse\t2');
  assert.match(lines[1], /^false\tqueue:send_timeout: no room in queue 'b' after 0.05 s$/);
  assert.equal(lines[2], '');
  assert.match(lines[3], /^false\tfalse\tqueue:send: queue 'b' is closed/);
  assert.match(lines[4], /^false\t.*limit must be a positive integer/);
});

test('only memoizable values can be sent; tables are copied and keep integer/float apart', async () => {
  const c = await policy(`local kumo = require 'kumo'
local q = kumo.mpsc.define('m')
print(pcall(q.send, q, function() end))
print(pcall(q.send, q, q))
print(pcall(q.send, q, { [true] = 1 }))
local t = { 1, 2.0, name = 'n', nested = { deep = true } }
q:send(t)
t.name = 'changed'
local got = q:recv()
print(got.name, got[1], math.type(got[2]), got.nested.deep, got ~= t)`);
  const lines = printed(c).split('\n');
  assert.match(lines[0], /^false\tqueue:send: a function is not memoizable/);
  assert.match(lines[1], /^false\tqueue:send: MpscQueue is not memoizable \(only CidrMap, DomainMap/);
  assert.match(lines[2], /^false\tqueue:send: the table key true cannot be used/);
  assert.equal(lines[3], 'n\t1\tfloat\ttrue\ttrue');
});

test('bounded send waits for room between two tasks', async () => {
  const c = await policy(`local kumo = require 'kumo'
kumo.on('producer', function()
  local q = kumo.mpsc.define('pc', 4)
  for i = 1, 20 do q:send(i) end
  q:send(-1)
end)
kumo.on('main', function()
  local q = kumo.mpsc.define('pc', 4)
  kumo.spawn_task { event_name = 'producer', args = {} }
  local sum, batches = 0, 0
  while true do
    local b = q:recv_many(3)
    batches = batches + 1
    local stop = false
    for _, v in ipairs(b) do if v < 0 then stop = true else sum = sum + v end end
    if stop then break end
  end
  print(sum, batches >= 7)
end)`);
  await c.engine.fireEvent('main');
  assert.equal(printed(c), '210\ttrue\n');
});

test('a second consumer gets an error while the first one waits', async () => {
  const c = await policy(`local kumo = require 'kumo'
kumo.on('waiter', function() kumo.mpsc.define('one'):recv() end)
kumo.on('main', function()
  kumo.spawn_task { event_name = 'waiter', args = {} }
  kumo.time.sleep(0.01)
  print(pcall(function() return kumo.mpsc.define('one'):try_recv() end))
  kumo.mpsc.define('one'):send('done')
end)`);
  await c.engine.fireEvent('main');
  assert.match(printed(c), /^false\tqueue 'one' is already being received from by another task/);
  assert.equal(await c.engine.settle(500), 0);
  assert.ok(!(c.engine.backgroundErrors[0]?.error instanceof LuaError));
});
