/** dead_letter.lua writes kumo-jsonl segments; the dead-letter engine (kumo-policy dlq) reads them after import. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeadLetterQueue } from '../../runtime/engines/dlq/index';
import { importLuaDeadLetters } from '../../runtime/tailer-lua/dlq-bridge';
import { runScript, tempDir, samplePath, readAllRecords } from './helpers';

const LOG_THREE_BATCHES = `local kumo = require 'kumo'
local dead_letter = require 'dead_letter'
kumo.on('main', function(dir)
  local dlq = dead_letter.open { directory = dir, max_attempts = 3, initial_wait = 0.01 }
  for b = 1, 3 do
    local recs = {}
    for i = 1, 4 do table.insert(recs, { id = b .. '-' .. i, type = 'Delivery' }) end
    dlq:log(recs, 'POST failed: 503', { consumer = 'customer-' .. b })
  end
  dlq:log({ { id = 'gone' } }, 'still failing', { consumer = 'x', attempt = 3 })
  print(dlq.logged, dlq.permanent)
end)`;

test('dead_letter.lua: one finished segment per failed batch, envelopes the engine decodes', async () => {
  const dir = tempDir();
  const r = await runScript(LOG_THREE_BATCHES, [dir], { packagePath: [samplePath('lua', '?.lua')] });
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.out, '13\t1\n');
  const names = readdirSync(dir).sort();
  assert.equal(names.filter((n) => n.endsWith('.retry')).length, 3);
  assert.equal(names.filter((n) => n.endsWith('.permanent')).length, 1);
  const env = readAllRecords(dir, /\.retry$/) as { ts: number; attempt: number; reason: string; due: number; consumer: string; payload: { id: string } }[];
  assert.equal(env.length, 12);
  assert.deepEqual(Object.keys(env[0]).sort(), ['attempt', 'consumer', 'due', 'payload', 'reason', 'ts']);
  assert.equal(env[0].attempt, 1);
  assert.equal(env[0].payload.id, '1-1');
  assert.ok(env[0].due >= env[0].ts * 1000);

  // Pretend the Lua replay already handled the first segment and one line of the second.
  const retry = names.filter((n) => n.endsWith('.retry'));
  writeFileSync(join(dir, '.dead-letter-replay'), JSON.stringify({ file: join(dir, retry[1]), line: 1 }));
  const imported = importLuaDeadLetters(dir);
  assert.deepEqual({ retry: imported.retry, permanent: imported.permanent, segments: imported.segments, already: imported.alreadyReplayed },
    { retry: 7, permanent: 1, segments: 4, already: 5 });
  assert.deepEqual(readdirSync(dir).filter((n) => /\.(retry|permanent)$/.test(n)), []);
  // A second import finds nothing.
  assert.equal(importLuaDeadLetters(dir).segments, 0);

  const q = new DeadLetterQueue(dir, { initialWaitMs: 0, maxAttempts: 3 });
  const listing = q.list();
  assert.equal(listing.totals.pending, 7);
  assert.equal(listing.totals.permanentRecords, 1);
  const seen: string[] = [];
  const res = await q.replay((payload) => {
    seen.push((payload as { id: string }).id);
  }, { waitForDue: false });
  // Records not yet due are carried over untouched; deliver them with waiting.
  const res2 = res.delivered < 7 ? await q.replay((payload) => { seen.push((payload as { id: string }).id); }) : res;
  assert.equal(res.delivered + (res2 === res ? 0 : res2.delivered), 7);
  assert.deepEqual(seen.sort(), ['2-2', '2-3', '2-4', '3-1', '3-2', '3-3', '3-4']);
});

test('dead_letter.lua replay: backoff, re-log with attempt + 1, permanent after max_attempts, resumable checkpoint', async () => {
  const dir = tempDir();
  const r = await runScript(LOG_THREE_BATCHES, [dir], { packagePath: [samplePath('lua', '?.lua')] });
  assert.equal(r.error, undefined, r.error?.message);
  const replay = await runScript(`local kumo = require 'kumo'
local dead_letter = require 'dead_letter'
kumo.on('main', function(dir)
  local dlq = dead_letter.open { directory = dir, max_attempts = 3, initial_wait = 0.01 }
  local tries = {}
  local res = dlq:replay(function(record, env)
    tries[record.id] = (tries[record.id] or 0) + 1
    if record.id:sub(1, 1) == '1' then return false, 'endpoint still down' end
    if record.id == '2-1' then error('handler crashed') end
    return true
  end)
  print(res.delivered, res.failed, res.permanent, tries['1-1'], tries['2-1'], tries['3-1'])
end)`, [dir], { packagePath: [samplePath('lua', '?.lua')] });
  assert.equal(replay.error, undefined, replay.error?.message);
  // 7 delivered (2-2..2-4, 3-1..3-4); 5 records (1-1..1-4, 2-1) fail at attempt 1 (logged back as attempt 2), fail
  // again and reach max_attempts 3: permanent. The record logged at attempt 3 went to the permanent log at once.
  assert.equal(replay.out, '7\t5\t5\t2\t2\t1\n');
  const permanent = readAllRecords(dir, /\.permanent$/) as { attempts: number; reason: string; payload: { id: string } }[];
  assert.equal(permanent.length, 6);
  assert.ok(permanent.some((p) => p.payload.id === '2-1' && /handler crashed/.test(p.reason)));
  assert.ok(permanent.some((p) => p.payload.id === '1-1' && p.reason === 'endpoint still down'));
  // Everything replayed is behind the checkpoint: an import brings only the permanent records.
  const imported = importLuaDeadLetters(dir);
  assert.equal(imported.retry, 0);
  assert.equal(imported.permanent, 6);
  assert.equal(new DeadLetterQueue(dir).list().totals.permanentRecords, 6);
});

test('kumo-policy dlq on a dead_letter.lua directory: import, then replay through a Lua handler (dlq_replay)', async () => {
  const { prepareDlqDirectory } = await import('../../runtime/tailer-lua/dlq-bridge');
  const dir = tempDir();
  const r = await runScript(LOG_THREE_BATCHES, [dir], { packagePath: [samplePath('lua', '?.lua')] });
  assert.equal(r.error, undefined, r.error?.message);
  const handlerFile = join(tempDir(), 'replay.lua');
  writeFileSync(handlerFile, `local kumo = require 'kumo'
kumo.on('dlq_replay', function(record, envelope)
  assert(envelope.consumer:match('^customer%-'))
  if record.id:sub(-1) == '4' then return false, 'still 503 for ' .. record.id end
  return true
end)`);
  let resolver: ((spec: string) => Promise<unknown>) | undefined;
  const messages: string[] = [];
  const imported = await prepareDlqDirectory(dir, { err: (t) => messages.push(t) }, (res) => (resolver = res));
  assert.equal(imported.retry, 12);
  assert.match(messages.join(''), /imported 12 records to retry and 1 permanent failures from 4 segments written by dead_letter\.lua/);
  assert.equal(await resolver!('handler.js'), undefined);
  const handler = (await resolver!(handlerFile)) as (p: unknown, e: unknown) => Promise<void>;
  const q = new DeadLetterQueue(dir, { initialWaitMs: 0, maxAttempts: 2 });
  const res = await q.replay(handler as never, { waitForDue: false });
  const res2 = await q.replay(handler as never, { untilEmpty: true });
  assert.equal(res.delivered + res2.delivered, 9);
  const listing = q.list();
  assert.equal(listing.totals.pending, 0);
  assert.equal(listing.totals.permanentRecords, 1 + 3); // 'gone' + the three *-4 records after 2 attempts
  const missing = join(tempDir(), 'none.lua');
  writeFileSync(missing, `local kumo = require 'kumo'`);
  await assert.rejects(() => resolver!(missing), /registers no 'dlq_replay' handler/);
});

test('a dead-letter segment abandoned by a crashed writer (still writable, stale) is marked finished and imported', async () => {
  const { importLuaDeadLetters } = await import('../../runtime/tailer-lua/dlq-bridge');
  const { JsonlWriter } = await import('../../runtime/engines/tailer/jsonl-writer');
  const dir = tempDir();
  const w = new JsonlWriter({ logDir: dir, suffix: '.retry', flushBytes: 0 });
  await w.writeLine(JSON.stringify({ ts: 1, attempt: 1, reason: 'x', payload: { id: 'p1' } }));
  await w.writeLine(JSON.stringify({ ts: 1, attempt: 1, reason: 'x', payload: { id: 'p2' } }));
  await w.flushWithoutMarkingDone(); // the writer "dies": the segment stays writable
  const fresh = importLuaDeadLetters(dir);
  assert.equal(fresh.active.length, 1);
  assert.equal(fresh.retry, 0);
  const later = importLuaDeadLetters(dir, { now: Date.now() + 120_000 });
  assert.equal(later.abandoned.length, 1);
  assert.equal(later.retry, 2);
  assert.equal(new DeadLetterQueue(dir).list().totals.pending, 2);
});
