/** `kumo-policy dlq list|replay|purge` on a directory written by samples/lua/dead_letter.lua. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runScript, samplePath, tempDir } from './helpers';

test('kumo-policy dlq list, replay (Lua handler) and purge read what dead_letter.lua wrote', { timeout: 60_000 }, async () => {
  const dir = join(tempDir(), 'dlq');
  const r = await runScript(`local kumo = require 'kumo'
local dead_letter = require 'dead_letter'
kumo.on('main', function(dir)
  local dlq = dead_letter.open { directory = dir, initial_wait = 0 }
  dlq:log({ { id = 'a' }, { id = 'b' }, { id = 'c' } }, 'POST failed: 503', { consumer = 'customer-a' })
  dlq:log({ { id = 'd' } }, 'POST failed: 429', { consumer = 'customer-b' })
end)`, [dir], { packagePath: [samplePath('lua', '?.lua')] });
  assert.equal(r.error, undefined, r.error?.message);
  const list = await runCli(['dlq', 'list', dir]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stderr, /imported 4 records to retry and 0 permanent failures from 2 segments written by dead_letter\.lua/);
  assert.match(list.stdout, /4 to replay/);
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.retry')), []);

  const handler = join(tempDir(), 'replay.lua');
  writeFileSync(handler, `local kumo = require 'kumo'
kumo.on('dlq_replay', function(record, envelope)
  if record.id == 'd' then return false, 'customer-b still down' end
  return true
end)`);
  const replay = await runCli(['dlq', 'replay', dir, '--handler', handler, '--initial-wait', '0ms', '--max-attempts', '2', '--until-empty']);
  assert.match(replay.stdout, /replayed: 3 delivered, \d+ failed again \(kept for retry\), 1 moved to the permanent log/);
  const after = await runCli(['dlq', 'list', dir, '--format', 'json']);
  const listing = JSON.parse(after.stdout) as { totals: { pending: number; permanentRecords: number } };
  assert.deepEqual([listing.totals.pending, listing.totals.permanentRecords], [0, 1]);
  const purge = await runCli(['dlq', 'purge', dir]);
  assert.equal(purge.code, 0, purge.stderr);
  assert.match(purge.stdout, /purged 0 retry records and 1 permanent failures/);
});
