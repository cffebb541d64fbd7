import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compress } from '@mongodb-js/zstd';
import {
  CheckpointError,
  LogBatch,
  MultiTailer,
  openMultiTailer,
  openTailer,
  TailerError,
  TailerEvent,
  TailerFilterError,
} from './index';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kumo-tailer-'));
}

let nameCounter = 0;
/** A kumod-style segment name that sorts after the previous one. */
function segName(): string {
  nameCounter++;
  return `20250912-1108${String(10 + Math.floor(nameCounter / 1000)).padStart(2, '0')}.${String(nameCounter).padStart(9, '0')}`;
}

async function zst(text: string | Buffer): Promise<Buffer> {
  return compress(Buffer.isBuffer(text) ? text : Buffer.from(text), 3);
}

/** Writes a zstd segment holding `lines` (each followed by \n); finished (read-only) unless `writable`. */
async function writeSegment(dir: string, lines: (string | Buffer)[], opts: { writable?: boolean; name?: string } = {}): Promise<string> {
  const path = join(dir, opts.name ?? segName());
  const body = Buffer.concat(lines.map((l) => Buffer.concat([Buffer.isBuffer(l) ? l : Buffer.from(l), Buffer.from('\n')])));
  writeFileSync(path, await zst(body));
  if (!opts.writable) chmodSync(path, 0o444);
  return path;
}

const rec = (i: number, type = 'Delivery') => JSON.stringify({ type, id: `id-${i}`, n: i });

async function collect(t: MultiTailer): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>();
  for await (const batches of t) {
    for (const b of batches) {
      const list = out.get(b.consumerName()) ?? [];
      list.push(...b.records());
      out.set(b.consumerName(), list);
    }
  }
  return out;
}

function ids(list: unknown[] | undefined): number[] {
  return (list ?? []).map((r) => (r as { n: number }).n);
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

test('segments are read in name order and each record once per consumer; one parse serves all consumers', async () => {
  const dir = tempDir();
  // written out of order on purpose
  const names = [segName(), segName(), segName()];
  await writeSegment(dir, [rec(3), rec(4)], { name: names[1] });
  await writeSegment(dir, [rec(5, 'Bounce')], { name: names[2] });
  await writeSegment(dir, [rec(1), rec(2, 'Bounce')], { name: names[0] });
  const seenBy = new Map<unknown, number>();
  const t = await openMultiTailer({
    directory: dir,
    exitWhenCaughtUp: true,
    consumers: [
      { name: 'all', filter: (r) => { seenBy.set(r, (seenBy.get(r) ?? 0) + 1); return true; } },
      { name: 'bounces', filter: (r) => { seenBy.set(r, (seenBy.get(r) ?? 0) + 1); return (r as { type: string }).type === 'Bounce'; } },
    ],
  });
  const got = await collect(t);
  assert.deepEqual(ids(got.get('all')), [1, 2, 3, 4, 5]);
  assert.deepEqual(ids(got.get('bounces')), [2, 5]);
  // each parsed object was offered to both filters: parsed once, shared
  assert.equal(seenBy.size, 5);
  for (const count of seenBy.values()) assert.equal(count, 2);
});

test('a writable segment is waited on (never skipped), and read-only is judged by mode bits even for root', async () => {
  const dir = tempDir();
  const active = await writeSegment(dir, [rec(1)], { writable: true });
  await writeSegment(dir, [rec(2)]);
  const events: TailerEvent[] = [];
  const t = await openMultiTailer({ directory: dir, exitWhenCaughtUp: true, retryDelayMs: 20, consumers: [{ name: 'c', maxBatchLatencyMs: 30 }], onEvent: (e) => events.push(e) });
  const first = await withTimeout(t.next(), 2000, 'first batch');
  assert.deepEqual(ids(first?.[0].records() as unknown[]), [1]);
  // still writable: the tailer must not move on to the later segment nor end
  const pending = t.next();
  const raced = await Promise.race([pending, new Promise((r) => setTimeout(() => r('waiting'), 300))]);
  assert.equal(raced, 'waiting');
  chmodSync(active, 0o444);
  const second = await withTimeout(pending, 2000, 'second batch');
  assert.deepEqual(ids(second?.[0].records() as unknown[]), [2]);
  assert.equal(await withTimeout(t.next(), 2000, 'end'), undefined);
  assert.equal((statSync(active).mode & 0o222), 0);
  assert.deepEqual(events, []);
});

test('an active segment is followed as it grows, including a zstd frame written in two halves', async () => {
  const dir = tempDir();
  const path = join(dir, segName());
  writeFileSync(path, await zst(rec(1) + '\n'));
  const t = await openMultiTailer({ directory: dir, retryDelayMs: 20, exitWhenCaughtUp: true, consumers: [{ name: 'c', maxBatchLatencyMs: 50 }] });
  const b1 = await withTimeout(t.next(), 2000, 'b1');
  assert.deepEqual(ids(b1?.[0].records() as unknown[]), [1]);
  const frame = await zst(rec(2) + '\n' + rec(3) + '\n');
  const half = Math.floor(frame.length / 2);
  appendFileSync(path, frame.subarray(0, half));
  const pending = t.next();
  await new Promise((r) => setTimeout(r, 150));
  appendFileSync(path, frame.subarray(half));
  const b2 = await withTimeout(pending, 2000, 'b2');
  assert.deepEqual(ids(b2?.[0].records() as unknown[]), [2, 3]);
  // a line split across two frames is joined
  appendFileSync(path, await zst(rec(4).slice(0, 5)));
  appendFileSync(path, await zst(rec(4).slice(5) + '\n'));
  const b3 = await withTimeout(t.next(), 2000, 'b3');
  assert.deepEqual(ids(b3?.[0].records() as unknown[]), [4]);
  chmodSync(path, 0o444);
  assert.equal(await withTimeout(t.next(), 2000, 'end'), undefined);
});

test('each consumer is batched by its own size and latency, independently', async () => {
  const dir = tempDir();
  const path = join(dir, segName());
  writeFileSync(path, await zst([1, 2, 3].map((i) => rec(i)).join('\n') + '\n'));
  const t = await openMultiTailer({
    directory: dir,
    retryDelayMs: 20,
    consumers: [
      { name: 'fast', maxBatchLatencyMs: 50 },
      { name: 'slow', maxBatchLatencyMs: 600 },
      { name: 'size2', maxBatchSize: 2, maxBatchLatencyMs: 10_000 },
    ],
  });
  const t0 = Date.now();
  const r1 = await withTimeout(t.next(), 3000, 'r1');
  // size2 is full right away (2 records) and is yielded before any latency expires
  assert.deepEqual(r1?.map((b) => b.consumerName()), ['size2']);
  assert.deepEqual(ids(r1?.[0].records() as unknown[]), [1, 2]);
  const r2 = await withTimeout(t.next(), 3000, 'r2');
  assert.deepEqual(r2?.map((b) => b.consumerName()), ['fast']);
  assert.ok(Date.now() - t0 >= 40 && Date.now() - t0 < 500, `fast batch after ${Date.now() - t0} ms`);
  const r3 = await withTimeout(t.next(), 3000, 'r3');
  assert.deepEqual(r3?.map((b) => b.consumerName()), ['slow']);
  assert.ok(Date.now() - t0 >= 550, `slow batch after ${Date.now() - t0} ms`);
  assert.deepEqual(ids(r3?.[0].records() as unknown[]), [1, 2, 3]);
  t.close();
  assert.equal(await t.next(), undefined);
});

test('a partial batch from a finished segment comes out at once; a batch can span segments', async () => {
  const dir = tempDir();
  const a = await writeSegment(dir, [rec(1), rec(2)]);
  const b = await writeSegment(dir, [rec(3)]);
  const t = await openMultiTailer({ directory: dir, exitWhenCaughtUp: true, consumers: [{ name: 'c', maxBatchSize: 10, maxBatchLatencyMs: 60_000 }] });
  const t0 = Date.now();
  const r = await t.next();
  assert.ok(Date.now() - t0 < 1000);
  const batch = r![0];
  assert.deepEqual(ids(batch.records() as unknown[]), [1, 2, 3]);
  assert.deepEqual(batch.fileNames(), [a, b]);
  assert.equal(batch.fileNameForLine(2), b);
  assert.equal(batch.byteOffsetForLine(1), rec(1).length + 1);
});

test('checkpoints: kumod format and place, written on commit only, exactly-once resume one record at a time', async () => {
  const dir = tempDir();
  const s1 = await writeSegment(dir, [rec(1), rec(2)]);
  const s2 = await writeSegment(dir, [rec(3), rec(4), rec(5)]);
  const cpFile = join(dir, '.cp-test');
  const delivered: number[] = [];
  for (let round = 0; round < 10; round++) {
    const t = await openTailer({ directory: dir, checkpointName: 'cp-test', maxBatchSize: 1, exitWhenCaughtUp: true });
    const b = await t.next();
    if (!b) {
      t.close();
      break;
    }
    assert.equal(b.consumerName(), 'default');
    delivered.push(...ids(b.records() as unknown[]));
    b.commit();
    assert.equal(b.consumerName(), '');
    assert.deepEqual(b.records(), []);
    b.commit(); // second commit: silent no-op
    t.close();
  }
  assert.deepEqual(delivered, [1, 2, 3, 4, 5]);
  // the last commit was taken when the plan ended: the last finished file and its line count
  assert.equal(readFileSync(cpFile, 'utf8'), `{"file":"${s2}","line":3}`);
  // dropping a batch without commit re-delivers it next time
  writeFileSync(cpFile, JSON.stringify({ file: s1, line: 1 }));
  const t2 = await openTailer({ directory: dir, checkpointName: 'cp-test', maxBatchSize: 2, exitWhenCaughtUp: true });
  const b2 = await t2.next();
  assert.deepEqual(ids(b2!.records() as unknown[]), [2, 3]);
  t2.close();
  assert.equal(readFileSync(cpFile, 'utf8'), JSON.stringify({ file: s1, line: 1 }));
  // no temp files left behind
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), ['.cp-test']);
});

test('multi-consumer checkpoints: the earliest checkpoint starts the read; a consumer ahead gets skipped lines only in that file', async () => {
  const dir = tempDir();
  const s1 = await writeSegment(dir, [rec(1), rec(2), rec(3)]);
  await writeSegment(dir, [rec(4)]);
  writeFileSync(join(dir, '.a'), JSON.stringify({ file: s1, line: 1 }));
  writeFileSync(join(dir, '.b'), JSON.stringify({ file: s1, line: 2 }));
  const t = await openMultiTailer({
    directory: dir,
    exitWhenCaughtUp: true,
    consumers: [{ name: 'a', checkpointName: 'a' }, { name: 'b', checkpointName: 'b' }, { name: 'none' }],
  });
  const got = await collect(t);
  assert.deepEqual(ids(got.get('a')), [2, 3, 4]);
  assert.deepEqual(ids(got.get('b')), [3, 4]);
  // a consumer without a checkpoint starts where the others are (kumod quirk), not at the beginning
  assert.deepEqual(ids(got.get('none')), [2, 3, 4]);
});

test('a checkpoint written with another spelling of the directory is understood; one from another directory is refused', async () => {
  const dir = tempDir();
  const s1 = await writeSegment(dir, [rec(1), rec(2)]);
  writeFileSync(join(dir, '.cp'), JSON.stringify({ file: join(dir, '.', '..', dir.split('/').pop()!, s1.split('/').pop()!), line: 1 }));
  const t = await openTailer({ directory: dir + '/', checkpointName: 'cp', exitWhenCaughtUp: true });
  const b = await t.next();
  assert.deepEqual(ids(b!.records() as unknown[]), [2]);
  t.close();
  writeFileSync(join(dir, '.cp'), JSON.stringify({ file: '/somewhere/else/20250101-000000', line: 1 }));
  await assert.rejects(openTailer({ directory: dir, checkpointName: 'cp' }), (e: Error) => e instanceof CheckpointError && /not in the tailer's directory/.test(e.message));
});

test('checkpoint names that would escape the directory are rejected', async () => {
  const dir = tempDir();
  for (const bad of ['../escape', 'a/b', '/etc/passwd', '', 'x\0y', '..\\up']) {
    await assert.rejects(openTailer({ directory: dir, checkpointName: bad }), (e: Error) => e instanceof TailerError && /checkpoint_name/.test(e.message), `name ${JSON.stringify(bad)}`);
  }
  const ok = await openTailer({ directory: dir, checkpointName: '..ok' });
  ok.close();
});

test('a corrupt or foreign checkpoint is a clear error and is left untouched', async () => {
  const dir = tempDir();
  await writeSegment(dir, [rec(1)]);
  for (const content of ['{"file":"x",', '[1,2]', '{"offset":12}', '{"file":"x","line":-1}', 'not json at all']) {
    writeFileSync(join(dir, '.cp'), content);
    await assert.rejects(openTailer({ directory: dir, checkpointName: 'cp' }), (e: Error) => e instanceof CheckpointError && e.message.includes(join(dir, '.cp')) && /untouched/.test(e.message), content);
    assert.equal(readFileSync(join(dir, '.cp'), 'utf8'), content);
  }
});

test('truncated zstd in a finished segment: the complete lines are delivered, the partial tail dropped with a warning', async () => {
  const dir = tempDir();
  const body = [1, 2, 3, 4].map((i) => rec(i) + '\n').join('') + rec(5).slice(0, 8);
  const frame = await zst(body);
  const full = join(dir, segName());
  // a frame that was cut before its end: keep all but the last bytes (the checksum and end of block)
  writeFileSync(full, frame.subarray(0, frame.length - 4));
  chmodSync(full, 0o444);
  await writeSegment(dir, [rec(6)]);
  const events: TailerEvent[] = [];
  const t = await openMultiTailer({ directory: dir, exitWhenCaughtUp: true, consumers: [{ name: 'c' }], onEvent: (e) => events.push(e) });
  const got = await collect(t);
  const delivered = ids(got.get('c'));
  assert.ok(delivered.includes(6));
  assert.deepEqual(delivered.filter((n) => n < 6), [1, 2, 3, 4].slice(0, delivered.length - 1));
  assert.ok(events.some((e) => e.kind === 'partial-line-dropped' && e.file === full), JSON.stringify(events));
});

test('corrupt zstd data: lines decoded before the damage are delivered, the file is reported and skipped', async () => {
  const dir = tempDir();
  const a = await zst([1, 2].map((i) => rec(i) + '\n').join(''));
  const b = Buffer.from(await zst([3, 4].map((i) => rec(i) + '\n').join('')));
  b.fill(0xff, 4, b.length); // keep the magic, destroy the rest of the second frame
  const path = join(dir, segName());
  writeFileSync(path, Buffer.concat([a, b]));
  chmodSync(path, 0o444);
  await writeSegment(dir, [rec(5)]);
  const events: TailerEvent[] = [];
  const t = await openMultiTailer({ directory: dir, exitWhenCaughtUp: true, consumers: [{ name: 'c' }], onEvent: (e) => events.push(e) });
  const got = await collect(t);
  assert.deepEqual(ids(got.get('c')), [1, 2, 5]);
  const ev = events.find((e) => e.kind === 'decode-error');
  assert.ok(ev && ev.file === path && ev.line === 3, JSON.stringify(events));
});

test('invalid UTF-8 is replaced by U+FFFD, as from_utf8_lossy does', async () => {
  const dir = tempDir();
  const line = Buffer.concat([Buffer.from('{"type":"Delivery","n":1,"s":"a'), Buffer.from([0xff, 0xc3]), Buffer.from('b"}')]);
  await writeSegment(dir, [line]);
  const t = await openMultiTailer({ directory: dir, exitWhenCaughtUp: true, consumers: [{ name: 'c' }] });
  const got = await collect(t);
  assert.equal((got.get('c')![0] as { s: string }).s, 'a\uFFFD\uFFFDb');
});

test('a blank or non-JSON line skips the rest of its file (kumod) with a warning naming file and line', async () => {
  const dir = tempDir();
  const blank = await writeSegment(dir, [rec(1), '', rec(2)]);
  const junk = await writeSegment(dir, [rec(3), 'Date,Type,Recipient', rec(4)]);
  await writeSegment(dir, [rec(5)]);
  const events: TailerEvent[] = [];
  const t = await openMultiTailer({ directory: dir, exitWhenCaughtUp: true, consumers: [{ name: 'c' }], onEvent: (e) => events.push(e) });
  const got = await collect(t);
  assert.deepEqual(ids(got.get('c')), [1, 3, 5]);
  const bad = events.filter((e) => e.kind === 'bad-line');
  assert.equal(bad.length, 2);
  assert.equal(bad[0].file, blank);
  assert.equal(bad[0].line, 2);
  assert.match(bad[0].message, /blank line/);
  assert.equal(bad[1].file, junk);
  assert.equal(bad[1].line, 2);
});

test('a plain-text (non-zstd) file in the directory is reported as foreign and skipped; later segments are read', async () => {
  const dir = tempDir();
  await writeSegment(dir, [rec(1)]);
  const plain = join(dir, segName());
  writeFileSync(plain, rec(2) + '\n');
  chmodSync(plain, 0o444);
  await writeSegment(dir, [rec(3)]);
  const tiny = join(dir, 'zzz-notes.txt');
  writeFileSync(tiny, 'hi\n');
  chmodSync(tiny, 0o444);
  const events: TailerEvent[] = [];
  const t = await openMultiTailer({ directory: dir, exitWhenCaughtUp: true, consumers: [{ name: 'c' }], onEvent: (e) => events.push(e) });
  const got = await collect(t);
  assert.deepEqual(ids(got.get('c')), [1, 3]);
  const foreign = events.filter((e) => e.kind === 'foreign-file').map((e) => e.file);
  assert.deepEqual(foreign, [plain, tiny]);
  assert.match(events[0].message, /not a zstd stream/);
});

test('a 10 MB line is delivered whole', async () => {
  const dir = tempDir();
  const big = 'x'.repeat(10 * 1024 * 1024);
  await writeSegment(dir, [rec(1), JSON.stringify({ type: 'Delivery', n: 2, big }), rec(3)]);
  const t = await openMultiTailer({ directory: dir, exitWhenCaughtUp: true, consumers: [{ name: 'c' }] });
  const got = await collect(t);
  assert.deepEqual(ids(got.get('c')), [1, 2, 3]);
  assert.equal((got.get('c')![1] as { big: string }).big.length, big.length);
});

test('a filter error ends the stream with a clear error naming consumer, file and line; nothing is committed', async () => {
  const dir = tempDir();
  const s = await writeSegment(dir, [rec(1), rec(2), rec(3)]);
  const events: TailerEvent[] = [];
  const t = await openMultiTailer({
    directory: dir,
    exitWhenCaughtUp: true,
    consumers: [{ name: 'ok', checkpointName: 'ok' }, { name: 'boom', filter: (r) => { if ((r as { n: number }).n === 2) throw new Error('bad field'); return true; } }],
    onEvent: (e) => events.push(e),
  });
  await assert.rejects(t.next(), (e: Error) => e instanceof TailerFilterError && e.consumer === 'boom' && e.file === s && e.line === 2 && /bad field/.test(e.message));
  assert.equal(await t.next(), undefined);
  assert.equal(existsSync(join(dir, '.ok')), false);
  assert.equal(events[0].kind, 'filter-error');
});

test('tail = true starts at line 0 of the newest segment for every consumer', async () => {
  const dir = tempDir();
  const s1 = await writeSegment(dir, [rec(1)]);
  await writeSegment(dir, [rec(2), rec(3)]);
  writeFileSync(join(dir, '.cp'), JSON.stringify({ file: s1, line: 0 }));
  const t = await openMultiTailer({ directory: dir, tail: true, exitWhenCaughtUp: true, consumers: [{ name: 'a', checkpointName: 'cp' }, { name: 'b' }] });
  const got = await collect(t);
  assert.deepEqual(ids(got.get('a')), [2, 3]);
  assert.deepEqual(ids(got.get('b')), [2, 3]);
});

test('pattern selects segments; dot files and checkpoints are never segments', async () => {
  const dir = tempDir();
  await writeSegment(dir, [rec(1)], { name: '20250101-000000.zst' });
  await writeSegment(dir, [rec(2)], { name: '20250101-000001.log' });
  await writeSegment(dir, [rec(3)], { name: '.hidden.zst' });
  const t = await openMultiTailer({ directory: dir, pattern: '*.zst', exitWhenCaughtUp: true, consumers: [{ name: 'c' }] });
  assert.deepEqual(ids((await collect(t)).get('c')), [1]);
});

test('a directory that disappears: pending records are delivered, then a clear error (exit mode) or a wait until it returns', async () => {
  const dir = tempDir();
  await writeSegment(dir, [rec(1)]);
  const events: TailerEvent[] = [];
  const t = await openMultiTailer({ directory: dir, exitWhenCaughtUp: true, consumers: [{ name: 'c', checkpointName: 'cp' }], onEvent: (e) => events.push(e) });
  const b = await t.next();
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(ids(b![0].records() as unknown[]), [1]);
  await assert.rejects(t.next(), (e: Error) => e instanceof TailerError && /disappeared/.test(e.message));
  assert.equal(events.at(-1)?.kind, 'directory-missing');
  assert.throws(() => b![0].commit(), (e: Error) => e instanceof CheckpointError && /cannot write checkpoint/.test(e.message));

  // waiting mode: comes back and goes on
  const dir2 = tempDir();
  await writeSegment(dir2, [rec(10)]);
  const events2: TailerEvent[] = [];
  const t2 = await openMultiTailer({ directory: dir2, retryDelayMs: 20, consumers: [{ name: 'c' }], onEvent: (e) => events2.push(e) });
  assert.deepEqual(ids((await t2.next())![0].records() as unknown[]), [10]);
  const moved = dir2 + '-away';
  renameSync(dir2, moved);
  const pending = t2.next();
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(events2.some((e) => e.kind === 'directory-missing'));
  mkdirSync(dir2);
  await writeSegment(dir2, [rec(11)]);
  const again = await withTimeout(pending, 3000, 'after restore');
  assert.deepEqual(ids(again![0].records() as unknown[]), [11]);
  assert.ok(events2.some((e) => e.kind === 'directory-restored'));
  t2.close();
});

test('a missing directory at open is an error, as in kumod', async () => {
  await assert.rejects(openTailer({ directory: join(tempDir(), 'nope') }), (e: Error) => e instanceof TailerError && /cannot watch directory/.test(e.message));
});

test('a new segment wakes an idle tailer, with fs.watch and with the poll watcher', async () => {
  for (const pollWatcherMs of [undefined, 50]) {
    const dir = tempDir();
    const t = await openMultiTailer({ directory: dir, pollWatcherMs, consumers: [{ name: 'c', maxBatchLatencyMs: 20 }] });
    const pending = t.next();
    await new Promise((r) => setTimeout(r, 100));
    await writeSegment(dir, [rec(1)]);
    const b = await withTimeout(pending, 3000, `wake (poll ${pollWatcherMs})`);
    assert.deepEqual(ids(b![0].records() as unknown[]), [1]);
    t.close();
  }
});

test('close() ends a pending next() and writes no checkpoint', async () => {
  const dir = tempDir();
  await writeSegment(dir, [rec(1)], { writable: true });
  const t = await openMultiTailer({ directory: dir, consumers: [{ name: 'c', checkpointName: 'cp', maxBatchLatencyMs: 60_000 }] });
  const pending = t.next();
  setTimeout(() => t.close(), 50);
  assert.equal(await withTimeout(pending, 2000, 'close'), undefined);
  assert.equal(existsSync(join(dir, '.cp')), false);
});

test('LogBatch without a checkpoint: commit is a no-op', () => {
  const b = new LogBatch('x');
  b.push({ a: 1 }, '/d/f', 0);
  b.commit();
  assert.equal(b.length, 0);
  assert.equal(b.committed, true);
});

test('tiny zstd frames (under 18 bytes, one short line each) are delivered from growing and finished segments', async () => {
  const dir = tempDir();
  const path = join(dir, segName());
  writeFileSync(path, await zst('{"n":1}\n'));
  assert.ok(statSync(path).size < 18);
  const t = await openMultiTailer({ directory: dir, retryDelayMs: 20, exitWhenCaughtUp: true, consumers: [{ name: 'c', maxBatchLatencyMs: 30 }] });
  assert.deepEqual(ids((await withTimeout(t.next(), 2000, 'tiny 1'))![0].records() as unknown[]), [1]);
  appendFileSync(path, await zst('{"n":2}\n'));
  assert.deepEqual(ids((await withTimeout(t.next(), 2000, 'tiny 2'))![0].records() as unknown[]), [2]);
  const frame = await zst('{"n":3}\n');
  appendFileSync(path, frame.subarray(0, 6));
  const pending = t.next();
  await new Promise((r) => setTimeout(r, 100));
  appendFileSync(path, frame.subarray(6));
  assert.deepEqual(ids((await withTimeout(pending, 2000, 'tiny 3'))![0].records() as unknown[]), [3]);
  appendFileSync(path, await zst('{"n":4}\n'));
  chmodSync(path, 0o444);
  assert.deepEqual(ids((await withTimeout(t.next(), 2000, 'tiny 4'))![0].records() as unknown[]), [4]);
  assert.equal(await t.next(), undefined);
});

test('worker-thread decompression gives the same records and the same reports as in-thread decompression', async () => {
  const dir = tempDir();
  await writeSegment(dir, Array.from({ length: 3000 }, (_, i) => rec(i)));
  const frame = await zst([1, 2, 3].map((i) => rec(100_000 + i) + '\n').join('') + '{"partial');
  const truncated = join(dir, segName());
  writeFileSync(truncated, frame.subarray(0, frame.length - 3));
  chmodSync(truncated, 0o444);
  const damaged = Buffer.from(await zst(rec(200_000) + '\n'));
  const broken = join(dir, segName());
  writeFileSync(broken, Buffer.concat([await zst(rec(300_000) + '\n'), damaged.fill(0xee, 4)]));
  chmodSync(broken, 0o444);
  const plain = join(dir, segName());
  writeFileSync(plain, 'Date,Recipient\n'.repeat(10));
  chmodSync(plain, 0o444);
  await writeSegment(dir, [rec(400_000), '', rec(400_001)]);
  await writeSegment(dir, [rec(500_000)]);
  const run = async (decompressInWorker: boolean) => {
    const events: string[] = [];
    const t = await openMultiTailer({ directory: dir, exitWhenCaughtUp: true, decompressInWorker, workerMinBytes: 0, consumers: [{ name: 'c', maxBatchSize: 700 }], onEvent: (e) => events.push(`${e.kind} ${e.file?.split('/').pop()} ${e.line}`) });
    const got = await collect(t);
    return { ids: ids(got.get('c')), events };
  };
  const inThread = await run(false);
  const worker = await run(true);
  // the truncated frame's only block is incomplete, so none of its lines can be decoded (as with kumod)
  assert.deepEqual(inThread.ids.slice(3000), [300_000, 400_000, 500_000]);
  assert.deepEqual(worker, inThread);
  assert.deepEqual(inThread.events.map((e) => e.split(' ')[0]), ['partial-line-dropped', 'decode-error', 'foreign-file', 'bad-line']);
});

test('records read before a bad line of the only segment can be committed (kumod would panic here)', async () => {
  const dir = tempDir();
  const s = await writeSegment(dir, [rec(1), rec(2), 'garbage', rec(3)]);
  const t = await openTailer({ directory: dir, checkpointName: 'cp', exitWhenCaughtUp: true });
  const b = await t.next();
  assert.deepEqual(ids(b!.records() as unknown[]), [1, 2]);
  b!.commit();
  assert.equal(readFileSync(join(dir, '.cp'), 'utf8'), JSON.stringify({ file: s, line: 2 }));
  assert.equal(await t.next(), undefined);
  // a restart does not deliver 1 and 2 again, and skips the rest of the file at the same bad line
  const t2 = await openTailer({ directory: dir, checkpointName: 'cp', exitWhenCaughtUp: true });
  assert.equal(await t2.next(), undefined);
});
