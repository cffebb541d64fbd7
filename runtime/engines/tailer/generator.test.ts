import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decompress } from '@mongodb-js/zstd';
import { readFileSync } from 'node:fs';
import { generateSegments, runWriter } from './generator';
import { JsonlWriter } from './jsonl-writer';
import { RecordFactory } from './records';
import { formatSegmentName, fraction, rfc3339 } from './segment-name';
import { openMultiTailer, openTailer } from './index';

const tempDir = () => mkdtempSync(join(tmpdir(), 'kumo-gen-'));
const NAME = /^\d{8}-\d{6}(\.\d{3}|\.\d{6}|\.\d{9})?$/;
/** JsonLogRecord's serialisation order. */
const FIELD_ORDER = ['type', 'id', 'sender', 'recipient', 'queue', 'site', 'size', 'response', 'peer_address', 'timestamp', 'event_time', 'created', 'created_time', 'num_attempts', 'bounce_classification', 'egress_pool', 'egress_source', 'source_address', 'feedback_report', 'meta', 'headers', 'delivery_protocol', 'reception_protocol', 'nodeid', 'tls_cipher', 'tls_protocol_version', 'tls_peer_subject_name', 'provider_name', 'session_id'];
const REQUIRED = FIELD_ORDER.slice(0, 24);

test("segment names use chrono's %.f: 0, 3, 6 or 9 fractional digits", () => {
  assert.equal(fraction(0), '');
  assert.equal(fraction(440_000_000), '.440');
  assert.equal(fraction(440_526_000), '.440526');
  assert.equal(fraction(440_526_026), '.440526026');
  assert.equal(formatSegmentName(Date.UTC(2025, 8, 12, 11, 8, 1, 440), 526_026), '20250912-110801.440526026');
  assert.equal(formatSegmentName(Date.UTC(2025, 8, 12, 11, 8, 1, 0)), '20250912-110801');
  assert.equal(formatSegmentName(Date.UTC(2025, 8, 12, 23, 8, 1, 0), 0, '_del', 'Asia/Tokyo'), '20250913-080801_del');
  assert.equal(rfc3339(1757675281, 444_338_641), '2025-09-12T11:08:01.444338641Z');
});

test('records follow kumod field order, with real v1 spool ids matching created', () => {
  const f = new RecordFactory({ seed: 7 });
  const types = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const r = f.next();
    types.add(r.type as string);
    const keys = Object.keys(r);
    assert.deepEqual(keys.slice(0, 24), REQUIRED);
    const extra = keys.slice(24);
    assert.deepEqual(extra, FIELD_ORDER.slice(24).filter((k) => extra.includes(k)));
    assert.match(r.event_time as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$/);
    if (r.type === 'Rejection') {
      assert.equal(r.id, '');
      continue;
    }
    const id = r.id as string;
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(id[12], '1'); // version 1
    const ticks = (BigInt('0x' + id.slice(13, 16)) << 48n) | (BigInt('0x' + id.slice(8, 12)) << 32n) | BigInt('0x' + id.slice(0, 8));
    assert.equal(Number((ticks - 0x01b21dd213814000n) / 10_000_000n), r.created);
  }
  for (const t of ['Reception', 'Delivery', 'Bounce', 'TransientFailure', 'Rejection']) assert.ok(types.has(t), t);
});

test('generateSegments: kumod names in order, zstd, finished ones read-only, the last optionally left writable', async () => {
  const dir = tempDir();
  const res = await generateSegments({ directory: dir, records: 1000, segments: 3, leaveLastWritable: true, frameBytes: 64 * 1024 });
  assert.equal(res.files.length, 3);
  const names = readdirSync(dir);
  assert.deepEqual(names, [...names].sort());
  for (const n of names) assert.match(n, NAME);
  assert.deepEqual(res.files.map((f) => (statSync(f).mode & 0o222) === 0), [true, true, false]);
  const text = (await decompress(readFileSync(res.files[0]))).toString();
  assert.equal(text.split('\n').length - 1, 334);
  const t = await openMultiTailer({ directory: dir, consumers: [{ name: 'c', maxBatchSize: 10_000, maxBatchLatencyMs: 50 }] });
  let n = 0;
  while (n < 1000) n += (await t.next())![0].length;
  assert.equal(n, 1000);
  t.close();
});

test('JsonlWriter: newline added, rolls after the write reaching max_file_size, suffix, close marks read-only', async () => {
  const dir = tempDir();
  const w = new JsonlWriter({ logDir: dir, maxFileSize: 30, suffix: '.jsonl.zst', flushBytes: 0 });
  await w.writeLine('{"a":1}'); // 8 bytes
  await w.writeLine('{"a":2}\n'); // 16
  await w.writeValue({ a: 3, pad: 'xxxxxxx' }); // 35 >= 30: rolls after this write
  assert.equal(w.currentPath, undefined);
  await w.writeValue({ a: 4 });
  const active = w.currentPath!;
  assert.ok((statSync(active).mode & 0o222) !== 0);
  await w.close();
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 2);
  for (const f of files) {
    assert.match(f, /^\d{8}-\d{6}(\.\d+)?\.jsonl\.zst$/);
    assert.equal(statSync(join(dir, f)).mode & 0o222, 0);
  }
  const t = await openTailer({ directory: dir, exitWhenCaughtUp: true, maxBatchSize: 10 });
  const b = await t.next();
  assert.deepEqual(b!.records().map((r) => (r as { a: number }).a), [1, 2, 3, 4]);
});

test('writer mode keeps appending and rolling; a tailer following it gets every record once', async () => {
  const dir = tempDir();
  const latency = 100;
  const writer = runWriter({ directory: dir, rate: 400, records: 600, maxFileSize: 64 * 1024, flushBytes: 0, seed: 3 });
  await new Promise((r) => setTimeout(r, 30));
  // not exitWhenCaughtUp: between a roll and the next write there is briefly no writable segment at all
  const t = await openMultiTailer({ directory: dir, retryDelayMs: 200, consumers: [{ name: 'c', maxBatchLatencyMs: latency }] });
  const got: unknown[] = [];
  for await (const batches of t) {
    for (const b of batches) got.push(...b.records());
    if (got.length >= 600) break;
  }
  const res = await writer;
  t.close();
  assert.equal(res.records, 600);
  assert.equal(got.length, 600);
  const ids = got.map((r) => (r as { id: string; session_id?: string }).id + (r as { session_id?: string }).session_id);
  assert.equal(new Set(ids).size, 600);
  assert.ok(res.finished.length >= 2);
});

test('a record appended to an active segment reaches its waiting consumer on its own', async () => {
  // How fast (<= max_batch_latency + 250 ms) is a figure of `npm run bench -- tailer`; here only that it
  // arrives without another write, with a bound that catches a hang.
  const dir = tempDir();
  const latency = 200;
  const w = new JsonlWriter({ logDir: dir, flushBytes: 0 });
  await w.writeValue({ n: 0 });
  const t = await openMultiTailer({ directory: dir, consumers: [{ name: 'c', maxBatchLatencyMs: latency }] });
  await t.next();
  for (let i = 1; i <= 5; i++) {
    const pending = t.next();
    await new Promise((r) => setTimeout(r, 50 + i * 37));
    const t0 = performance.now();
    await w.writeValue({ n: i });
    const b = await pending;
    const lag = performance.now() - t0;
    assert.deepEqual(b![0].records(), [{ n: i }]);
    assert.ok(lag < 10_000, `lag ${lag.toFixed(0)} ms`);
  }
  t.close();
  await w.close();
});
