import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { capturingEngine, tempPolicy } from './test-support';
import { LuaError } from './errors';

async function failure(p: Promise<unknown>): Promise<LuaError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof LuaError, String(e));
    return e;
  }
  assert.fail('expected a failure');
}

async function stopsWithin(code: string, limitMs: number, line: number) {
  const dir = tempPolicy({ 'init.lua': code });
  const c = capturingEngine(dir, { timeoutMs: limitMs });
  const began = Date.now();
  const err = await failure(c.engine.loadPolicy(join(dir, 'init.lua')));
  const took = Date.now() - began;
  assert.equal(err.kind, 'timeout');
  assert.ok(took >= limitMs && took < limitMs + 1000, `stopped after ${took} ms`);
  assert.match(err.message, new RegExp(`^init\\.lua:${line}: stopped: the script ran for more than`));
  assert.deepEqual(err.location, { file: join(dir, 'init.lua'), line });
}

test('a runaway loop is stopped just after the limit, naming file and line', async () => {
  await stopsWithin('local n = 0\nwhile true do\n  n = n + 1\nend\n', 300, 3);
});

test('pcall cannot swallow the stop', async () => {
  await stopsWithin('while true do\n  pcall(function() while true do end end)\nend\n', 300, 2);
});

test('errors caught by pcall again and again do not switch the limit off', async () => {
  await stopsWithin('local n = 0\nwhile true do\n  n = n + 1 pcall(error, n)\nend\n', 300, 3);
});

test('a runaway loop inside a user coroutine is stopped, and catching it does not help', async () => {
  await stopsWithin('while true do\n  pcall(coroutine.wrap(function() while true do end end))\nend\n', 300, 2);
});

test('a runaway loop inside a non-yieldable callback (table.sort comparator) is stopped too', async () => {
  await stopsWithin('local t = {3, 2, 1}\ntable.sort(t, function(a, b)\n  while true do end\nend)\n', 300, 3);
});

test('yielding resets the clock: a long task that sleeps is not stopped', async () => {
  const dir = tempPolicy({ 'init.lua': `local kumo = require 'kumo'
for i = 1, 6 do
  local t = os.clock() while os.clock() - t < 0.08 do end
  kumo.time.sleep(0)
end` });
  const c = capturingEngine(dir, { timeoutMs: 200 });
  await c.engine.loadPolicy(join(dir, 'init.lua'));
});

test('cancellation through the shared flag stops a running loop within a second', async () => {
  const dir = tempPolicy({ 'init.lua': 'while true do end\n' });
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const c = capturingEngine(dir, { timeoutMs: 0, cancelFlag: flag });
  const worker = new Worker(`const { workerData } = require('node:worker_threads');
setTimeout(() => Atomics.store(new Int32Array(workerData), 0, 1), 200);`, { eval: true, workerData: flag.buffer });
  const began = Date.now();
  const err = await failure(c.engine.loadPolicy(join(dir, 'init.lua')));
  await worker.terminate();
  assert.equal(err.kind, 'cancelled');
  assert.match(err.message, /^init\.lua:1: cancelled/);
  assert.ok(Date.now() - began < 1200);
});

test('engine.cancel stops waiting tasks at once', async () => {
  const dir = tempPolicy({ 'init.lua': `local kumo = require 'kumo'\nkumo.on('main', function() kumo.time.sleep(30) end)` });
  const c = capturingEngine(dir);
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  const p = failure(c.engine.fireEvent('main'));
  setTimeout(() => c.engine.cancel('cancelled by the user'), 20);
  const err = await p;
  assert.equal(err.kind, 'cancelled');
  assert.equal(err.message, 'cancelled by the user');
});

test('synchronous calls (filters) are under the same limit', async () => {
  const dir = tempPolicy({ 'init.lua': 'return function(r)\n  while r do end\nend\n' });
  const c = capturingEngine(dir, { timeoutMs: 200 });
  const [fn] = await c.engine.runString(`return dofile('init.lua')`, '=t', { opaque: 'describe' });
  assert.equal(typeof fn, 'string');
  let ref;
  await c.engine.runString('return 1');
  c.engine.defineFunction('kumo.test.keep', (L) => {
    ref = c.engine.refFunction(L, 1);
    return 0;
  });
  await c.engine.runString(`require('kumo').test.keep(dofile('init.lua'))`);
  const began = Date.now();
  assert.throws(() => ref!.callSync([true]), (e: unknown) => e instanceof LuaError && e.kind === 'timeout' && /init\.lua:2: stopped/.test(e.message));
  assert.ok(Date.now() - began < 1200);
});
