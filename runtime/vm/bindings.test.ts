import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capturingEngine, printed, tempPolicy } from './test-support';
import { AsView, MultipleResults, getObject, lua, LuaState } from './index';

test('a host object with an async iterator works in generic for, with <close> and __close', async () => {
  const c = capturingEngine(tempPolicy({}));
  const { engine } = c;
  interface Source { batches: string[][]; closed: boolean }
  const pushSource = engine.defineObjectType<Source>({
    name: 'FakeTailer',
    methods: {
      // Returns an iterator function; each call waits for the next batch, as a tailer does.
      batches: (L, src) => {
        lua.lua_pushcfunction(L, (L1: LuaState) =>
          engine.awaitPromise(L1, 'FakeTailer:batches', new Promise<string[] | undefined>((r) => setTimeout(() => r(src.batches.shift()), 2))));
        return 1;
      },
    },
    meta: {
      __close: (L) => {
        (getObject(L, 1) as Source).closed = true;
        return 0;
      },
    },
  });
  const src: Source = { batches: [['a', 'b'], ['c']], closed: false };
  engine.defineFunction('kumo.test.new_source', (L) => {
    pushSource(L, src);
    return 1;
  });
  await engine.runString(`local kumo = require 'kumo'
do
  local t <close> = kumo.test.new_source()
  for batch in t:batches() do
    print(#batch, table.concat(batch, ','))
  end
end`);
  assert.equal(printed(c), '2\ta,b\n1\tc\n');
  assert.equal(src.closed, true);
});

test('defineAsyncFunction returns several results with MultipleResults', async () => {
  const c = capturingEngine(tempPolicy({}));
  c.engine.defineAsyncFunction('kumo.test.pair', async (args) => new MultipleResults([args[0], 'second']));
  await c.engine.runString(`print(require('kumo').test.pair('first'))`);
  assert.equal(printed(c), 'first\tsecond\n');
});

test('lazy record views: fields, nesting, ipairs, pairs, # and read-only', async () => {
  const c = capturingEngine(tempPolicy({}));
  let ref;
  c.engine.defineFunction('kumo.test.keep', (L) => {
    ref = c.engine.refFunction(L, 1);
    return 0;
  });
  await c.engine.runString(`require('kumo').test.keep(function(r)
  local keys = {}
  for k in pairs(r.meta) do keys[#keys + 1] = k end
  table.sort(keys)
  local codes = {}
  for _, v in ipairs(r.list) do codes[#codes + 1] = v end
  return string.format('%s %d %s %s %d %s %s', r.type, r.response.code, table.concat(keys, ','), table.concat(codes, ','), #r.list, tostring(r.missing), tostring(pcall(function() r.type = 'x' end)))
end)`);
  const out = ref!.callSync([new AsView({ type: 'Delivery', response: { code: 250 }, meta: { b: 1, a: 2 }, list: [3, 4], nothing: null })]);
  assert.equal(out, 'Delivery 250 a,b 3,4 2 nil false');
});

test('warn is off until @on', async () => {
  const c = capturingEngine(tempPolicy({}));
  await c.engine.runString(`warn('hidden') warn('@on') warn('shown ', 'here') warn('@off') warn('hidden')`);
  assert.equal(printed(c), 'Lua warning: shown here\n');
});
