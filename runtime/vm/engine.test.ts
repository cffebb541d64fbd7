import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { capturingEngine, printed, tempPolicy } from './test-support';
import { LuaError } from './errors';

async function run(code: string, files: Record<string, string> = {}) {
  const dir = tempPolicy({ 'init.lua': code, ...files });
  const c = capturingEngine(dir);
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  return { ...c, dir };
}

async function rejects(p: Promise<unknown>): Promise<LuaError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof LuaError, `expected a LuaError, got ${e}`);
    return e;
  }
  assert.fail('expected the promise to reject');
}

test('require "kumo" returns the module; there is no kumo global and no debug library', async () => {
  const c = await run(`
    local kumo = require 'kumo'
    print(type(kumo), rawget(_G, 'kumo'), rawget(_G, 'debug'), type(kumo.dns), type(kumo.mpsc.define))
    print(type(require('redis').open), type(require('sqlite').open), package.cpath)
    print(pcall(package.loadlib, 'x', 'y'))`);
  const lines = printed(c).split('\n');
  assert.equal(lines[0], 'table\tnil\tnil\ttable\tfunction');
  assert.equal(lines[1], 'function\tfunction\t');
  assert.match(lines[2], /^false\t.*C modules are disabled/);
});

test('every catalog function exists; unimplemented ones raise "not available in the simulator"', async () => {
  const c = await run(`
    local kumo = require 'kumo'
    print(pcall(kumo.secrets.load, 'x'))
    print(pcall(kumo.api.admin.bounce.list))
    print(pcall(require('redis').open, {}))
    print(kumo.version)`);
  const lines = printed(c).split('\n');
  assert.equal(lines[0], 'false\tkumo.secrets.load is not available in the simulator');
  assert.equal(lines[1], 'false\tkumo.api.admin.bounce.list is not available in the simulator');
  assert.equal(lines[2], 'false\tredis.open is not available in the simulator');
  assert.equal(lines[3], 'simulator');
});

test('a single-handler event rejects a second handler, naming where the first was defined', async () => {
  const dir = tempPolicy({ 'init.lua': `local kumo = require 'kumo'\nkumo.on('init', function() end)\nkumo.on('init', function() end)\n` });
  const c = capturingEngine(dir);
  const err = await rejects(c.engine.loadPolicy(join(dir, 'init.lua')));
  assert.match(err.message, /'init' event takes a single handler.*init\.lua:2/);
  assert.deepEqual(err.location, { file: join(dir, 'init.lua'), line: 3 });
});

test('multiple-handler events chain until a handler returns a value, even an explicit nil', async () => {
  const c = await run(`
    local kumo = require 'kumo'
    kumo.on('get_queue_config', function(d) print('first', d) end)
    kumo.on('get_queue_config', function(d) print('second', d) return nil end)
    kumo.on('get_queue_config', function(d) print('third') return 3 end)
    kumo.on('should_enqueue_log_record', function() print('a') end)
    kumo.on('should_enqueue_log_record', function() print('b') end)`);
  const r = await c.engine.fireEvent('get_queue_config', ['example.com']);
  assert.deepEqual(r, { handled: true, values: [null] });
  const r2 = await c.engine.fireEvent('should_enqueue_log_record', []);
  assert.equal(r2.handled, false);
  assert.equal(printed(c), 'first\texample.com\nsecond\texample.com\na\nb\n');
  assert.deepEqual(await c.engine.fireEvent('no_such_event'), { handled: false, values: undefined });
});

test('kumo.on inside a handler raises, except inside main; _KUMO_CURRENT_EVENT names the event', async () => {
  const c = await run(`
    local kumo = require 'kumo'
    kumo.on('init', function()
      print(_KUMO_CURRENT_EVENT)
      kumo.on('smtp_server_ehlo', function() end)
    end)
    kumo.on('main', function(a, b)
      print(_KUMO_CURRENT_EVENT, a, b)
      kumo.on('later', function() return 'ok' end)
    end)`);
  const err = await rejects(c.engine.fireEvent('init'));
  assert.match(err.message, /while handling the 'init' event/);
  await c.engine.fireEvent('main', ['x', 'y']);
  assert.deepEqual((await c.engine.fireEvent('later')).values, ['ok']);
  assert.equal(printed(c), 'init\nmain\tx\ty\n');
});

test('errors carry the location and a traceback mapped to files', async () => {
  const dir = tempPolicy({
    'init.lua': `local kumo = require 'kumo'\nlocal helper = require 'lib.helper'\nkumo.on('init', function()\n  helper.explode()\nend)\n`,
    'lib/helper.lua': `local M = {}\nfunction M.explode()\n  local t = nil\n  return t.field\nend\nreturn M\n`,
  });
  const c = capturingEngine(dir);
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  const err = await rejects(c.engine.fireEvent('init'));
  assert.match(err.message, /^lib\/helper\.lua:4: attempt to index a nil value/);
  assert.deepEqual(err.location, { file: join(dir, 'lib/helper.lua'), line: 4 });
  assert.deepEqual(err.frames.filter((f) => f.file).map((f) => [f.file, f.line]), [
    [join(dir, 'lib/helper.lua'), 4],
    [join(dir, 'init.lua'), 4],
  ]);
  assert.match(err.traceback, /stack traceback:\n\t.*helper\.lua:4: in/);
});

test('syntax errors name the file and line', async () => {
  const dir = tempPolicy({ 'init.lua': `local x = 1\nlocal y = = 2\n` });
  const c = capturingEngine(dir);
  const err = await rejects(c.engine.loadPolicy(join(dir, 'init.lua')));
  assert.equal(err.kind, 'syntax');
  assert.match(err.message, /^init\.lua:2: unexpected symbol near '='/);
  assert.deepEqual(err.location, { file: join(dir, 'init.lua'), line: 2 });
});

test('require finds package.path modules; policy-extras come from the configured directory', async () => {
  const extras = tempPolicy({ 'queue.lua': `return { name = 'queue helper' }` });
  const dir = tempPolicy({ 'init.lua': `
    local m = require 'mod'
    print(m.value, require('policy-extras.queue').name)
    print(select(2, pcall(require, 'policy-extras.nothing')):match("^module 'policy%-extras%.nothing' not found") ~= nil)
    print(select(2, pcall(require, 'not.there')):match("module 'not.there' not found") ~= nil)`,
  'mod/init.lua': `local v <const> = 42\nreturn { value = v }` });
  const c = capturingEngine(dir, { policyExtrasDir: extras });
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  const lines = printed(c).split('\n');
  assert.equal(lines[0], '42\tqueue helper');
  assert.equal(lines[1], 'true');
  assert.equal(lines[2], 'true');
  const missing = capturingEngine(dir, { policyExtrasDir: '/nonexistent/policy-extras' });
  await missing.engine.runString(`print(pcall(require, 'policy-extras.queue'))`);
  assert.match(printed(missing), /shipped policy helpers.*\/nonexistent\/policy-extras does not exist/);
});

test('the trace hook sees every event with args, result and duration', async () => {
  const dir = tempPolicy({ 'init.lua': `local kumo = require 'kumo'\nkumo.on('get_egress_pool', function(name) return { name = name } end)` });
  const traces: unknown[] = [];
  const c = capturingEngine(dir, { trace: (t) => traces.push({ name: t.name, args: t.args, result: t.result, handled: t.handled, ms: typeof t.durationMs }) });
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  await c.engine.fireEvent('get_egress_pool', ['pool-a']);
  assert.deepEqual(traces, [{ name: 'get_egress_pool', args: ['pool-a'], result: [{ name: 'pool-a' }], handled: true, ms: 'number' }]);
});

test('main gets the script arguments; spawn_task runs its event with the args table', async () => {
  const c = await run(`
    local kumo = require 'kumo'
    kumo.on('worker', function(args) print('worker', args[1], args[2]) end)
    kumo.on('main', function(...)
      print('main', ...)
      kumo.spawn_task { event_name = 'worker', args = { 'a', 2 } }
      kumo.time.sleep(0.01)
    end)`);
  await c.engine.fireEvent('main', ['one', 'two']);
  assert.equal(printed(c), 'main\tone\ttwo\nworker\ta\t2\n');
  const err = await rejects(c.engine.runString(`require('kumo').spawn_task { event_name = 'worker' }`));
  assert.match(err.message, /spawn_task: missing required key 'args'/);
});

test('async host functions suspend the calling task, also inside pcall and for-in iterators', async () => {
  const dir = tempPolicy({ 'init.lua': '' });
  const c = capturingEngine(dir);
  c.engine.defineAsyncFunction('kumo.test.fetch', async (args) => {
    await new Promise((r) => setTimeout(r, 5));
    if (args[0] === 'bad') throw new Error('fetch failed');
    return `got ${args[0]}`;
  });
  await c.engine.runString(`
    local kumo = require 'kumo'
    print(kumo.test.fetch('a'))
    print(pcall(kumo.test.fetch, 'bad'))
    print(pcall(function() return kumo.test.fetch('in pcall') end))
    local function iter(_, i) if i < 3 then return i + 1, kumo.test.fetch(i + 1) end end
    for i, v in iter, nil, 0 do print(i, v) end
    local co = coroutine.wrap(function() return kumo.test.fetch('x') end)
    print(pcall(co))`);
  const lines = printed(c).split('\n');
  assert.deepEqual(lines.slice(0, 6), ['got a', 'false\tfetch failed', 'true\tgot in pcall', '1\tgot 1', '2\tgot 2', '3\tgot 3']);
  assert.match(lines[6], /^false\t.*cannot wait here/);
});

test('many spawned tasks run interleaved', async () => {
  const c = await run(`
    local kumo = require 'kumo'
    kumo.on('t', function(args)
      for i = 1, 3 do print(args[1], i) kumo.time.sleep(0.005) end
    end)
    kumo.on('main', function()
      kumo.spawn_task { event_name = 't', args = { 'A' } }
      kumo.spawn_task { event_name = 't', args = { 'B' } }
    end)`);
  await c.engine.fireEvent('main');
  assert.equal(await c.engine.settle(2000), 0);
  assert.equal(printed(c), 'A\t1\nB\t1\nA\t2\nB\t2\nA\t3\nB\t3\n');
});

test('io.open / io.lines read and write files relative to the policy directory', async () => {
  const dir = tempPolicy({ 'in.txt': 'one\ntwo\n42 rest\n' });
  const c = capturingEngine(dir);
  await c.engine.runString(`
    for line in io.lines('in.txt') do io.write('[', line, ']') end
    print()
    local f <close> = assert(io.open('in.txt'))
    print(f:read('l'), f:read('L'), f:read('n'), f:read('a'))
    local out = assert(io.open('out.txt', 'w'))
    out:write('a', 1, '\\n'):write('b\\n')
    out:close()
    print(io.open('out.txt'):read('a'))
    print(io.open('missing.txt'))
    print(pcall(os.execute, 'true'))`);
  assert.equal(printed(c), "[one][two][42 rest]\none\ttwo\n\t42\t rest\n\na1\nb\n\nnil\tmissing.txt: No such file or directory\t2\nfalse\tos.execute is not available in the simulator\n");
});
