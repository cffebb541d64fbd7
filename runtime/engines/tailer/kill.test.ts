import { test as realTest } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSegments } from './generator';
import { openTailer } from './index';

// This file doubles as the tailing child process that the test kills.
const CHILD = process.env.KUMO_TAILER_KILL_CHILD;
const test = (CHILD ? () => undefined : realTest) as typeof realTest;
const BATCH = 7;

if (CHILD) {
  const { dir, out } = JSON.parse(CHILD) as { dir: string; out: string };
  void (async () => {
    const t = await openTailer({ directory: dir, checkpointName: 'kill-test', maxBatchSize: BATCH, exitWhenCaughtUp: true });
    const fd = openSync(out, 'a');
    for await (const b of t) {
      // "deliver": one line per batch, durable, then commit
      const ids = b.records().map((r) => (r as { id: string; session_id?: string }).id + '/' + ((r as { session_id?: string }).session_id ?? ''));
      // A SIGKILL can tear this write; the leading newline and the closing ' $' let the reader drop a torn line
      // (its batch was not committed, so the next run delivers it again).
      writeSync(fd, `\n${process.pid} ${ids.join(' ')} $\n`);
      fsyncSync(fd);
      b.commit();
      writeSync(1, 'b\n');
    }
    closeSync(fd);
    writeSync(1, 'done\n');
  })();
}

test('killed with SIGKILL 50 times while committing after every batch: every record delivered, duplicates only from the batch in flight', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-kill-'));
  const gen = await generateSegments({ directory: join(dir, 'logs'), records: 8000, segments: 5, seed: 11, frameBytes: 32 * 1024 });
  const out = join(dir, 'delivered.log');
  let kills = 0;
  let finished = false;
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let run = 0; run < 400 && !finished; run++) {
    const child = spawn(process.execPath, [__filename], { env: { ...process.env, KUMO_TAILER_KILL_CHILD: JSON.stringify({ dir: join(dir, 'logs'), out }) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let timer: NodeJS.Timeout | undefined;
    // Kill after a random number of delivered batches (1 to 20) plus a random few ms, so the kills land at
    // random points whatever the machine's speed, and 50 of them never use up the 1,143 batches of input.
    const killAfterBatches = 1 + Math.floor(rand() * 20);
    child.stdout.on('data', (d) => {
      stdout += d;
      const delivered = stdout.split('b\n').length - 1;
      if (!timer && kills < 50 && delivered >= killAfterBatches) timer = setTimeout(() => child.kill('SIGKILL'), Math.floor(rand() * 5));
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    const res = await exited;
    if (timer) clearTimeout(timer);
    if (res.signal === 'SIGKILL') kills++;
    else {
      assert.equal(res.code, 0);
      finished = stdout.includes('done');
    }
  }
  assert.ok(finished, 'the last run ends by itself');
  assert.ok(kills >= 50, `only ${kills} kills happened`);
  // every record exactly once in order, except re-deliveries of the batch that was in flight at a kill
  const expected: string[] = [];
  for (const f of gen.files) {
    const { decompress } = await import('@mongodb-js/zstd');
    const text = (await decompress(readFileSync(f))).toString();
    for (const line of text.split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line) as { id: string; session_id?: string };
      expected.push(r.id + '/' + (r.session_id ?? ''));
    }
  }
  const batches = readFileSync(out, 'utf8').split('\n').filter((l) => l.endsWith(' $')).map((l) => {
    const [pid, ...ids] = l.slice(0, -2).split(' ');
    return { pid, ids };
  });
  let pos = 0; // index into expected of the next new record
  let duplicates = 0;
  let lastPid = '';
  for (const b of batches) {
    let start = pos;
    if (b.pid !== lastPid) {
      // a new process resumes at its checkpoint: at most one batch back
      start = expected.indexOf(b.ids[0], Math.max(0, pos - BATCH));
      assert.ok(start >= 0 && start <= pos, `run ${b.pid} starts at ${start}, delivered up to ${pos}`);
      duplicates += pos - start;
      lastPid = b.pid;
    }
    assert.deepEqual(b.ids, expected.slice(start, start + b.ids.length), 'batches continue the sequence');
    pos = Math.max(pos, start + b.ids.length);
  }
  assert.equal(pos, expected.length, 'every record was delivered');
  const runsWithOutput = new Set(batches.map((b) => b.pid)).size;
  if (process.env.KILL_TEST_VERBOSE) console.log({ kills, runsWithOutput, duplicates, batches: batches.length });
  assert.ok(runsWithOutput >= 25, `kills should land mid-delivery (only ${runsWithOutput} runs delivered anything)`);
  assert.ok(duplicates <= kills * BATCH, `${duplicates} duplicates for ${kills} kills`);
  assert.ok(existsSync(join(dir, 'logs', '.kill-test')));
});
