/**
 * The seed's per-customer webhook example (samples/scripts/webhook.lua) end to end against the local receiver
 * with 30 % injected failures: every record for a customer ends delivered or in the dead-letter queue, counted;
 * then samples/scripts/webhook_replay.lua empties the queue: delivered, or in the permanent-failure log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSegments } from '../../runtime/engines/tailer/generator';
import { WebhookReceiver } from '../../runtime/tailer-lua/receiver';
import { tempDir, readAllRecords, runCli, samplePath } from './helpers';

const CUSTOMERS = ['customer-a', 'customer-b', 'customer-c'];

function count(ids: Iterable<unknown>): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ids) m.set(String(id), (m.get(String(id)) ?? 0) + 1);
  return m;
}

function add(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
  const m = new Map(a);
  for (const [k, v] of b) m.set(k, (m.get(k) ?? 0) + v);
  return m;
}

test('webhook example with 30% injected failures: every record delivered or dead-lettered; replay settles the rest', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const logs = join(dir, 'logs');
  const dlq = join(dir, 'dlq');
  await generateSegments({ directory: logs, records: 2000, segments: 4, seed: 21, pools: CUSTOMERS });
  const records = readAllRecords(logs);
  const expected = new Map<string, Map<string, number>>();
  for (const c of CUSTOMERS) expected.set(c, count(records.filter((r) => r.egress_pool === c).map((r) => r.id)));
  const totalExpected = records.filter((r) => CUSTOMERS.includes(r.egress_pool as string)).length;
  assert.ok(totalExpected > 500);

  const receiver = new WebhookReceiver({ failRate: 0.3, seed: 7 });
  const base = await receiver.listen();
  try {
    // max_retries 1 and a short delay so that the dead-letter path is taken often.
    const run = await runCli(['tail', samplePath('scripts', 'webhook.lua'), '--path', samplePath('lua', '?.lua'), '--exit-when-caught-up', '--progress', '0', '--', logs, base, dlq, '1', '0.01']);
    assert.equal(run.code, 0, run.stderr);
    const m = /delivered (\d+) records, dead-lettered (\d+) records/.exec(run.stdout);
    assert.ok(m, run.stdout);
    const [deliveredN, deadN] = [Number(m[1]), Number(m[2])];
    assert.equal(deliveredN + deadN, totalExpected);
    assert.equal(receiver.stats.records, deliveredN);
    assert.ok(deadN > 0, 'with 30% failures and one try, some batches must be dead-lettered');
    assert.match(run.stderr, /dead-lettered: webhook post to .* failed \(attempt 1\/1\): (429|503)/);

    const envelopes = readAllRecords(dlq, /\.retry$/) as { attempt: number; consumer: string; reason: string; due: number; payload: { id: string } }[];
    assert.equal(envelopes.length, deadN);
    for (const e of envelopes) {
      assert.equal(e.attempt, 1);
      assert.ok(CUSTOMERS.includes(e.consumer));
      assert.equal(typeof e.due, 'number');
      assert.match(e.reason, /failed/);
    }
    for (const c of CUSTOMERS) {
      const got = add(count(receiver.received.get('/' + c) ?? []), count(envelopes.filter((e) => e.consumer === c).map((e) => e.payload.id)));
      assert.deepEqual(got, expected.get(c), `${c}: delivered + dead-lettered != its records`);
    }
    // eslint-disable-next-line no-console
    console.log(`# webhook: ${totalExpected} records, ${deliveredN} delivered, ${deadN} dead-lettered, ${receiver.stats.failed} injected failures`);

    // Replay: each dead letter is posted alone; failures come back with backoff until max_attempts (3).
    const before = receiver.stats.records;
    const replay = await runCli(['tail', samplePath('scripts', 'webhook_replay.lua'), '--path', samplePath('lua', '?.lua'), '--exit-when-caught-up', '--progress', '0', '--', base, dlq, '3', '0.01']);
    assert.equal(replay.code, 0, replay.stderr);
    const r = /replay: (\d+) delivered, (\d+) failed again, (\d+) permanently failed/.exec(replay.stdout);
    assert.ok(r, replay.stdout);
    const [ok, again, perm] = r.slice(1).map(Number);
    assert.equal(receiver.stats.records - before, ok);
    const permanent = readAllRecords(dlq, /\.permanent$/) as { attempts: number; payload: { id: string } }[];
    assert.equal(permanent.length, perm);
    assert.equal(ok + perm, deadN, 'every dead letter ends delivered or permanently failed');
    assert.ok(again >= perm);
    for (const p of permanent) assert.equal(p.attempts, 3);
    assert.ok(readdirSync(dlq).includes('.dead-letter-replay'));
    // eslint-disable-next-line no-console
    console.log(`# replay: ${ok} delivered, ${again} retried, ${perm} permanent`);
  } finally {
    await receiver.close();
  }
});
