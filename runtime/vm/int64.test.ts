/**
 * Exact integers past 32 bits (fengari patched by scripts/patch-fengari.mjs): host-pushed integers, and
 * integer constants stored in cached bytecode (8-byte integers). The Lua-side semantics are checked against
 * lua5.4 by test/lua-diff/integers.lua.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskChunkCache, fengariIntPatch, type ChunkCache } from './chunk-cache';
import { capturingEngine, printed, tempPolicy } from './test-support';
import { flushCompiledChunks } from './cached-load';
import { AsView } from './function-ref';
import type { LuaFunctionRef } from './function-ref';

test('fengari is patched: integers are exact up to 2^53 - 1', () => {
  assert.equal(fengariIntPatch(), 'kumo-int64/1', 'run `node scripts/patch-fengari.mjs` (npm postinstall)');
  const luaconf = require('fengari/src/luaconf.js') as { LUA_MAXINTEGER: number; LUA_MININTEGER: number };
  assert.equal(luaconf.LUA_MAXINTEGER, Number.MAX_SAFE_INTEGER);
  assert.equal(luaconf.LUA_MININTEGER, -(2 ** 53));
});

test('a tailer-style sum of host-pushed integers past 2^31 stays an exact integer', async () => {
  const c = capturingEngine(tempPolicy({}));
  let ref: LuaFunctionRef | undefined;
  c.engine.defineFunction('kumo.test.keep', (L) => {
    ref = c.engine.refFunction(L, 1);
    return 0;
  });
  await c.engine.runString(`local total, ms = 0, 0
require('kumo').test.keep(function(record)
  total = total + record.size
  ms = math.max(ms, record.timestamp * 1000)
  return string.format('%s %s %d %s %s', math.type(total), total, total, math.type(ms), ms)
end)`);
  let out: unknown;
  const sizes = [1_500_000_000, 1_500_000_000, 2_147_483_647, 4_000_000_000_000];
  for (const size of sizes) out = ref!.callSync([new AsView({ size, timestamp: 1_700_000_000 })]);
  const sum = sizes.reduce((a, b) => a + b, 0);
  assert.equal(out, `integer ${sum} ${sum} integer 1700000000000`);
});

test('integral JS numbers within the safe range are pushed as integers, larger ones as floats', async () => {
  const c = capturingEngine(tempPolicy({}));
  c.engine.defineFunction('kumo.test.values', (L) => {
    const { pushJs } = require('./convert') as typeof import('./convert');
    for (const v of [2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1.5, -0, 2n ** 40n]) pushJs(L, v);
    return 6;
  });
  await c.engine.runString(`for _, v in ipairs({ require('kumo').test.values() }) do print(math.type(v), v) end`);
  assert.equal(printed(c), [
    'integer\t9007199254740991',
    'integer\t-9007199254740991',
    'float\t9.007199254741e+15',
    'float\t1.5',
    'integer\t0',
    'integer\t1099511627776',
  ].join('\n') + '\n');
});

/** A disk cache in a fresh folder that counts its hits. */
function countingCache(): { cache: ChunkCache; dir: string; hits: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-chunks-int-'));
  const disk = new DiskChunkCache(dir);
  let hits = 0;
  const cache: ChunkCache = {
    key: (n, s) => disk.key(n, s),
    get: (k) => {
      const v = disk.get(k);
      if (v) hits++;
      return v;
    },
    set: (k, b) => disk.set(k, b),
    delete: (k) => disk.delete(k),
  };
  return { cache, dir, hits: () => hits };
}

test('large integer constants round-trip through the chunk cache (8-byte integers in bytecode)', async () => {
  const dir = tempPolicy({
    'init.lua': [
      `local big, neg = 1700000000000, -9007199254740991`,
      `local hex = 0x10000000000000`,
      `print(big, neg, hex, 4503599627370497, 1 << 40, 2147483648, math.type(hex), 2^53)`,
      `print(big * 1000, big // 7, big % 7, hex - 1, string.format('%d %x', neg, hex))`,
      `local s = string.rep('x', 300)`,
      `print(#s, 0xffffffffffffffff, 0x7fffffff, -2147483648)`,
    ].join('\n') + '\n',
  });
  const expected = [
    '1700000000000\t-9007199254740991\t4503599627370496\t4503599627370497\t1099511627776\t2147483648\tinteger\t9.007199254741e+15',
    '1700000000000000\t242857142857\t1\t4503599627370495\t-9007199254740991 10000000000000',
    '300\t-1\t2147483647\t-2147483648',
  ].join('\n') + '\n';
  const counted = countingCache();
  for (let run = 0; run < 2; run++) {
    const c = capturingEngine(dir, { chunkCache: counted.cache });
    await c.engine.loadPolicy(join(dir, 'init.lua'));
    flushCompiledChunks();
    assert.equal(printed(c), expected, `run ${run + 1}`);
    if (run === 0) assert.equal(counted.hits(), 0);
  }
  assert.ok(counted.hits() >= 1, 'the second run loaded cached bytecode');
  assert.ok(readdirSync(counted.dir).length >= 1);
});
