import { test as realTest } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compress } from '@mongodb-js/zstd';
import { openTailer } from '../tailer/index';
import { backoffMs, DeadLetterQueue, deliverOrDeadLetter, DlqAbortError, DlqBusyError, MAX_BACKOFF_MS } from './index';

// This file doubles as the "crashing replayer" child process of the crash test.
const CHILD = process.env.KUMO_DLQ_CRASH_CHILD;
const test = (CHILD ? () => undefined : realTest) as typeof realTest;

if (CHILD) {
  const { dir, crashAt, out } = JSON.parse(CHILD) as { dir: string; crashAt: number; out: string };
  let calls = 0;
  const q = new DeadLetterQueue(dir, { initialWaitMs: 0 });
  void q.replay((payload) => {
    appendFileSync(out, JSON.stringify(payload) + '\n');
    if (++calls === crashAt) process.kill(process.pid, 'SIGKILL'); // dies after the handler, before the state save
  });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kumo-dlq-'));
}

/** A queue whose sleeps are recorded and return at once, with jitter fixed. */
function fakeQueue(dir: string, opts: { maxAttempts?: number; initialWaitMs?: number; maxSegmentBytes?: number } = {}) {
  let clock = 1_700_000_000_000;
  const sleeps: number[] = [];
  const q = new DeadLetterQueue(dir, {
    ...opts,
    now: () => clock,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
  return { q, sleeps, advance: (ms: number) => (clock += ms) };
}

test('backoff: initial·2^attempt capped at 30 s, plus jitter below 10 %; zero initial waits nothing', () => {
  assert.equal(backoffMs(0, 5), 0);
  assert.equal(backoffMs(100, 0, () => 0), 100);
  assert.equal(backoffMs(100, 3, () => 0), 800);
  assert.equal(backoffMs(100, 3, () => 0.999), 800 + 79);
  assert.equal(backoffMs(1000, 10, () => 0), MAX_BACKOFF_MS);
  assert.equal(backoffMs(1000, 1e9, () => 0), MAX_BACKOFF_MS); // no overflow
  for (let i = 0; i < 200; i++) {
    const w = backoffMs(1000, 20);
    assert.ok(w >= 30_000 && w < 33_000, String(w));
  }
  assert.equal(backoffMs(5, 0, () => 0.99), 5); // jitter range of 0 adds nothing
});

test('log writes dletter-compatible envelopes durably; list counts them', () => {
  const dir = tempDir();
  const { q } = fakeQueue(dir);
  q.logMany([{ id: 1 }, { id: 2 }], new Error('HTTP 503 "busy"'), 1, 'customer-a');
  q.log({ id: 3 }, 'timeout');
  const lines = readFileSync(join(dir, 'retry-000001.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(Object.keys(lines[0]), ['ts', 'attempt', 'reason', 'due', 'consumer', 'payload']);
  assert.equal(lines[0].reason, 'HTTP 503 "busy"');
  assert.equal(lines[0].attempt, 1);
  assert.deepEqual(lines[2].payload, { id: 3 });
  const l = q.list();
  assert.equal(l.totals.retryRecords, 3);
  assert.equal(l.totals.pending, 3);
  assert.deepEqual(l.retry[0].attempts, { '1': 3 });
});

test('replay: delivered records leave the queue; failures come back with attempt+1 and a longer backoff; max attempts -> permanent', async () => {
  const dir = tempDir();
  const { q, sleeps } = fakeQueue(dir, { maxAttempts: 4, initialWaitMs: 100 });
  q.logMany([{ id: 'ok' }, { id: 'flaky' }, { id: 'dead' }], 'first failure');
  const calls: string[] = [];
  let flakyFails = 2;
  const res = await q.replay(
    (p) => {
      const id = (p as { id: string }).id;
      calls.push(id);
      if (id === 'dead') throw new Error('still down');
      if (id === 'flaky' && flakyFails-- > 0) throw new Error('503');
    },
    { untilEmpty: true },
  );
  // dead: tries at attempts 1, 2, 3 fail -> attempt 4 = max -> permanent, so 3 handler calls
  assert.equal(calls.filter((c) => c === 'dead').length, 3);
  assert.equal(calls.filter((c) => c === 'flaky').length, 3);
  assert.equal(calls.filter((c) => c === 'ok').length, 1);
  assert.equal(res.delivered, 2);
  assert.equal(res.permanent, 1);
  assert.equal(res.failed, 4);
  // waits grow exponentially with the attempt (initial 100 ms, jitter 5 %)
  assert.ok(sleeps.some((s) => s === 200 + 10) && sleeps.some((s) => s === 400 + 20), JSON.stringify(sleeps));
  const l = q.list();
  assert.equal(l.totals.retryRecords, 0);
  assert.equal(l.totals.permanentRecords, 1);
  const perm = JSON.parse(readFileSync(join(dir, 'permanent-000001.jsonl'), 'utf8'));
  assert.equal(perm.reason, 'still down'); // stored once, not double-quoted as dletter does
  assert.equal(perm.attempts, 4);
  assert.deepEqual(perm.payload, { id: 'dead' });
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('retry-') && readFileSync(join(dir, n), 'utf8') !== ''), []);
});

test('replay without waiting carries records that are not due yet over, untouched', async () => {
  const dir = tempDir();
  const { q } = fakeQueue(dir, { initialWaitMs: 60_000 });
  q.log({ id: 1 }, 'x');
  let called = 0;
  const res = await q.replay(() => { called++; }, { waitForDue: false });
  assert.equal(called, 0);
  assert.equal(res.deferred, 1);
  assert.equal(q.list().totals.pending, 1);
});

test('a crash mid-replay (SIGKILL) resumes at the right record: every record delivered, only the one in flight twice', async () => {
  const dir = tempDir();
  const q = new DeadLetterQueue(dir, { initialWaitMs: 0 });
  const N = 20;
  q.logMany(Array.from({ length: N }, (_, i) => ({ n: i })), 'webhook down');
  const out = join(dir, 'delivered.log');
  const child = spawnSync(process.execPath, [__filename], { env: { ...process.env, KUMO_DLQ_CRASH_CHILD: JSON.stringify({ dir, crashAt: 8, out }) }, encoding: 'utf8' });
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  assert.ok(existsSync(join(dir, 'replay.state')));
  const res = await q.replay((p) => appendFileSync(out, JSON.stringify(p) + '\n'));
  assert.deepEqual(res.resumedAt, { segment: 'retry-000001.jsonl', line: 7 });
  const delivered = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { n: number }).n);
  assert.deepEqual([...new Set(delivered)].sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i));
  assert.equal(delivered.length, N + 1);
  assert.deepEqual(delivered.slice(7, 9), [7, 7]);
  assert.equal(q.list().totals.retryRecords, 0);
});

test('an aborted replay resumes at the next record', async () => {
  const dir = tempDir();
  const { q } = fakeQueue(dir, { initialWaitMs: 0 });
  q.logMany([1, 2, 3, 4, 5].map((n) => ({ n })), 'x');
  const ac = new AbortController();
  const seen: number[] = [];
  await assert.rejects(q.replay((p) => { seen.push((p as { n: number }).n); if (seen.length === 2) ac.abort(); }, { signal: ac.signal }), DlqAbortError);
  await q.replay((p) => { seen.push((p as { n: number }).n); });
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
});

test('rotation by size never drops a record that was not replayed', async () => {
  const dir = tempDir();
  const { q } = fakeQueue(dir, { maxSegmentBytes: 1024, initialWaitMs: 0 });
  for (let i = 0; i < 100; i++) q.log({ n: i, pad: 'x'.repeat(50) }, 'down');
  const l = q.list();
  assert.ok(l.retry.length > 5, `${l.retry.length} logs`);
  assert.equal(l.totals.retryRecords, 100);
  const seen: number[] = [];
  const res = await q.replay((p) => {
    const n = (p as { n: number }).n;
    seen.push(n);
    if (n % 2) throw new Error('odd');
  });
  assert.deepEqual(seen, Array.from({ length: 100 }, (_, i) => i)); // oldest log first, in order
  assert.equal(res.delivered + res.failed, 100);
  const after = q.list();
  assert.equal(after.totals.retryRecords, 50);
  assert.deepEqual(after.retry.flatMap((r) => Object.keys(r.attempts)), after.retry.map(() => '2'));
});

test('go-dletter files replay too (no due: the backoff is waited before the try); unreadable lines go to the permanent log', async () => {
  const dir = tempDir();
  const { q, sleeps } = fakeQueue(dir, { initialWaitMs: 1000, maxAttempts: 5 });
  writeFileSync(
    join(dir, 'retry-000001.jsonl'),
    '{"ts":1700000000,"attempt":2,"reason":"err","payload":{"id":"a"}}\n' +
      'not json\n' +
      '{"ts":1700000000,"reason":"no payload"}\n' +
      '\n' +
      '{"ts":1700000000,"attempt":5,"reason":"done","payload":{"id":"b"}}\n' +
      '{"ts":1700000000,"attempt":1,"payload":{"id":"c", "x":',
  );
  const seen: string[] = [];
  const res = await q.replay((p) => { seen.push((p as { id: string }).id); });
  assert.deepEqual(seen, ['a']);
  assert.deepEqual(sleeps, [4000 + 200]);
  assert.equal(res.malformed, 3);
  assert.equal(res.permanent, 1);
  const perm = readFileSync(join(dir, 'permanent-000001.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(perm.length, 4);
  assert.equal(perm[0].payload, 'not json');
  assert.match(perm[3].reason, /torn write/);
});

test('replay and purge are exclusive; a lock left by a dead process is taken over', async () => {
  const dir = tempDir();
  const { q } = fakeQueue(dir, { initialWaitMs: 0 });
  q.log({ n: 1 }, 'x');
  writeFileSync(join(dir, 'lock'), String(process.ppid));
  await assert.rejects(q.replay(() => {}), DlqBusyError);
  writeFileSync(join(dir, 'lock'), '999999999');
  const res = await q.replay(() => {});
  assert.equal(res.delivered, 1);
  assert.equal(existsSync(join(dir, 'lock')), false);
});

test('purge removes what it says, with counts', () => {
  const dir = tempDir();
  const { q } = fakeQueue(dir, { maxAttempts: 2 });
  q.logMany([1, 2, 3], 'x');
  q.log(4, 'y', 2); // already at max attempts: straight to the permanent log
  assert.deepEqual(q.purge({ permanent: true }), { retryRecords: 0, permanentRecords: 1, files: 1 });
  assert.deepEqual(q.purge({ retry: true }), { retryRecords: 3, permanentRecords: 0, files: 1 });
  assert.equal(q.list().totals.retryRecords, 0);
});

test('deliverOrDeadLetter: a failing batch is dead-lettered and committed, so the tailer moves on and nothing is lost', async () => {
  const dir = tempDir();
  const logs = join(dir, 'logs');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(logs);
  const seg = join(logs, '20250912-110801.440526026');
  writeFileSync(seg, await compress(Buffer.from('{"n":1}\n{"n":2}\n{"n":3}\n')));
  chmodSync(seg, 0o444);
  const q = new DeadLetterQueue(join(dir, 'dlq'), { initialWaitMs: 0 });
  const t = await openTailer({ directory: logs, checkpointName: 'cp', maxBatchSize: 2, exitWhenCaughtUp: true });
  const outcomes: string[] = [];
  for await (const b of t) {
    const r = await deliverOrDeadLetter(q, b, (recs) => { if (recs.some((x) => (x as { n: number }).n === 1)) throw new Error('HTTP 500'); });
    outcomes.push(r.outcome);
  }
  assert.deepEqual(outcomes, ['dead-lettered', 'delivered']);
  assert.equal(readFileSync(join(logs, '.cp'), 'utf8'), `{"file":"${seg}","line":3}`);
  const l = q.list();
  assert.equal(l.totals.retryRecords, 2);
  const replayed: unknown[] = [];
  await q.replay((p) => { replayed.push(p); });
  assert.deepEqual(replayed, [{ n: 1 }, { n: 2 }]);
});
