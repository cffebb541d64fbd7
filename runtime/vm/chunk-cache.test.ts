import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskChunkCache, defaultCacheDir, type ChunkCache } from './chunk-cache';
import { capturingEngine, printed, tempPolicy } from './test-support';
import { LuaError } from './errors';
import { flushCompiledChunks } from './cached-load';

/** A disk cache in a fresh folder that counts its hits and misses. */
function countingCache(): { cache: ChunkCache; dir: string; hits: () => number; misses: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-chunks-'));
  const disk = new DiskChunkCache(dir);
  let hits = 0;
  let misses = 0;
  const cache: ChunkCache = {
    key: (n, s) => disk.key(n, s),
    get: (k) => {
      const v = disk.get(k);
      if (v) hits++;
      else misses++;
      return v;
    },
    set: (k, b) => disk.set(k, b),
    delete: (k) => disk.delete(k),
  };
  return { cache, dir, hits: () => hits, misses: () => misses };
}

const POLICY = {
  'init.lua': [
    `local kumo = require 'kumo'`,
    `local helper = require 'lib.helper'`,
    `local LIMIT <const> = 3`,
    `kumo.on('init', function()`,
    `  do local guard <close> = setmetatable({}, { __close = function() print('closed') end }) end`,
    `  print('limit', LIMIT, 7 // 2, 2^53 == 2^53, 'text' .. 1)`,
    `  helper.explode()`,
    `end)`,
  ].join('\n') + '\n',
  'lib/helper.lua': `local M = {}\nfunction M.explode()\n  local t = nil\n  return t.field\nend\nreturn M\n`,
};

async function runOnce(dir: string, cache: ChunkCache): Promise<{ out: string; err: LuaError }> {
  const c = capturingEngine(dir, { chunkCache: cache });
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  const err = await c.engine.fireEvent('init').then(() => assert.fail('init should fail'), (e: unknown) => e as LuaError);
  flushCompiledChunks();
  return { out: printed(c), err };
}

test('a policy loaded from cached bytecode behaves exactly as compiled from source, errors and lines included', async () => {
  const dir = tempPolicy(POLICY);
  const counted = countingCache();
  const first = await runOnce(dir, counted.cache);
  assert.equal(counted.hits(), 0);
  // init.lua, lib/helper.lua and the <close> helpers were compiled and stored.
  assert.equal(readdirSync(counted.dir).length, 3);
  const second = await runOnce(dir, counted.cache);
  assert.equal(counted.hits(), 3);
  assert.equal(second.out, first.out);
  assert.equal(second.out, 'closed\nlimit\t3\t3\ttrue\ttext1\n');
  assert.equal(second.err.message, first.err.message);
  assert.match(second.err.message, /^lib\/helper\.lua:4: attempt to index a nil value/);
  assert.deepEqual(second.err.frames, first.err.frames);
  assert.equal(second.err.traceback, first.err.traceback);
});

test('an edited file misses; the other files still hit', async () => {
  const dir = tempPolicy(POLICY);
  const counted = countingCache();
  await runOnce(dir, counted.cache);
  writeFileSync(join(dir, 'init.lua'), POLICY['init.lua'].replace("'limit'", "'LIMIT'"));
  const edited = await runOnce(dir, counted.cache);
  assert.match(edited.out, /^closed\nLIMIT\t3/);
  assert.equal(counted.hits(), 2);
});

test('a corrupt or truncated entry is dropped and the source compiled again', async () => {
  const dir = tempPolicy(POLICY);
  const counted = countingCache();
  const good = await runOnce(dir, counted.cache);
  for (const [i, name] of readdirSync(counted.dir).entries()) {
    writeFileSync(join(counted.dir, name), i === 0 ? 'not bytecode at all' : Buffer.from('\x1bLua\x53\x00garbage'));
  }
  const again = await runOnce(dir, counted.cache);
  assert.equal(again.out, good.out);
  assert.equal(again.err.message, good.err.message);
  // Rewritten with good bytecode: the next run hits everywhere and still behaves the same.
  const third = await runOnce(dir, counted.cache);
  assert.equal(third.out, good.out);
});

test('syntax errors are never cached and keep their message', async () => {
  const dir = tempPolicy({ 'init.lua': `local x = 1\nlocal y = = 2\n` });
  const counted = countingCache();
  for (let i = 0; i < 2; i++) {
    const c = capturingEngine(dir, { chunkCache: counted.cache });
    const err = await c.engine.loadPolicy(join(dir, 'init.lua')).then(() => assert.fail('should not load'), (e: unknown) => e as LuaError);
    assert.match(err.message, /^init\.lua:2: unexpected symbol near '='/);
  }
  flushCompiledChunks();
  assert.deepEqual(readdirSync(counted.dir), []);
});

test('an unwritable cache folder costs nothing but speed', { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false }, async () => {
  const parent = mkdtempSync(join(tmpdir(), 'kumo-chunks-ro-'));
  chmodSync(parent, 0o500);
  const dir = tempPolicy(POLICY);
  const r = await runOnce(dir, new DiskChunkCache(join(parent, 'cache')));
  assert.match(r.out, /^closed\nlimit\t3/);
});

test('a cache folder that cannot be created (a file in the way) costs nothing but speed', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'kumo-chunks-file-'));
  writeFileSync(join(parent, 'cache'), 'a file, not a folder');
  const dir = tempPolicy(POLICY);
  const cache = new DiskChunkCache(join(parent, 'cache'));
  const r = await runOnce(dir, cache);
  assert.match(r.out, /^closed\nlimit\t3/);
  assert.equal(cache.key('@x', 'y'), undefined, 'stops trying after the first failed write');
});

test('the cache folder follows KUMO_POLICY_CACHE_DIR, then XDG_CACHE_HOME', () => {
  assert.equal(defaultCacheDir({ KUMO_POLICY_CACHE_DIR: '/c' }), join('/c', 'lua-chunks'));
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }), join('/x', 'kumo-policy-studio', 'lua-chunks'));
});

test('fresh chunks are written once the process is idle, without an explicit flush', async () => {
  const dir = tempPolicy(POLICY);
  const counted = countingCache();
  const c = capturingEngine(dir, { chunkCache: counted.cache });
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  assert.deepEqual(readdirSync(counted.dir), [], 'nothing written during the load itself');
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(readdirSync(counted.dir).length, 3, 'init.lua, lib/helper.lua and the <close> helpers');
});

test('keys differ by chunk name and by source', () => {
  const cache = new DiskChunkCache(mkdtempSync(join(tmpdir(), 'kumo-chunks-')));
  const k = cache.key('@init.lua', 'return 1');
  assert.notEqual(k, cache.key('@other.lua', 'return 1'));
  assert.notEqual(k, cache.key('@init.lua', 'return 2'));
  assert.equal(k, cache.key('@init.lua', Buffer.from('return 1')));
});
