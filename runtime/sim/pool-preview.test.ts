// `kumo-policy pool` through policies: the seed's pool2 (legacy define_egress_pool) sends twice as often
// via ip-2 as via ip-3, exact WRR sequences, weight 0, and path limits turning into per-source caps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { previewPoolThroughPolicy, waterFill } from './pool-preview';
import { runPoolCommand } from '../cli/pool-command';
import { captureIo } from '../cli/io';
import { repoRoot } from './test-fixtures';

const FIX = join(repoRoot(), 'test', 'fixtures', 'policies');

test('seed pool2: ip-2 is picked twice as often as ip-3, in kumod order B A A', async () => {
  const r = await previewPoolThroughPolicy({ policy: join(FIX, 'seed-queues-pools.lua'), pool: 'pool2', picks: 300 });
  assert.equal(r.origin, 'define_egress_pool');
  assert.deepEqual(r.sequence.slice(0, 6), ['ip-3', 'ip-2', 'ip-2', 'ip-3', 'ip-2', 'ip-2']);
  assert.deepEqual(r.counts, { 'ip-2': 200, 'ip-3': 100 });
  assert.equal(r.counts['ip-2'], 2 * r.counts['ip-3']);
  assert.equal(r.period, 3);
  assert.ok(Math.abs(r.shares['ip-2'] - 2 / 3) < 1e-12);
  assert.equal(r.sequence.length, 300);
});

test('weights (5,3,0): c is never picked, 5:3 in every cycle of 8', async () => {
  const r = await previewPoolThroughPolicy({ policy: join(FIX, 'queue-names.lua'), pool: 'any', picks: 80 });
  assert.deepEqual(r.counts, { a: 50, b: 30, c: 0 });
  assert.equal(r.period, 8);
  assert.deepEqual(r.sequence.slice(0, 8), ['b', 'a', 'a', 'a', 'b', 'a', 'b', 'a']);
  assert.ok(r.notes.some((n) => n.includes('weight-0')));
});

test('path limits cap a warming source: new is held to 100/h, old takes the rest', async () => {
  const r = await previewPoolThroughPolicy({ policy: join(FIX, 'path-limits.lua'), pool: 'warm', picks: 400, offeredPerHour: 4000 });
  const [oldS, newS] = r.sources;
  assert.equal(oldS.name, 'old');
  assert.equal(newS.cap_per_hour, 100);
  assert.equal(newS.limited_by, 'max_message_rate');
  assert.equal(newS.rate_per_hour, 100);
  assert.equal(oldS.rate_per_hour, 3900);
  assert.equal(r.shares.new, 0.25, 'the WRR share itself is unchanged');
  assert.ok(Math.abs(newS.effective_share - 0.025) < 1e-12);
  assert.ok(Math.abs(r.warmup.new - 0.1) < 1e-6, 'effective weight 0.1 of 4 next to the configured 1');
  assert.ok(Math.abs(r.rates.new - 100 / 3600) < 1e-12);
  assert.equal(newS.limits.connection_limit, 1);
});

test('water filling: uncapped demand follows the weights; caps shed to the others', () => {
  assert.deepEqual(waterFill([2, 1], [Infinity, Infinity], 300), [200, 100]);
  assert.deepEqual(waterFill([2, 1], [Infinity, 50], 300), [250, 50]);
  assert.deepEqual(waterFill([2, 1, 0], [100, 50, 1000], 1000), [100, 50, 0]);
});

test('CLI: pool --format json has sequence and shares; 100,000 picks', async () => {
  const io = captureIo();
  const code = await runPoolCommand([join(FIX, 'seed-queues-pools.lua'), 'pool2', '--picks', '100000', '--format', 'json'], io);
  assert.equal(code, 0, io.stderr);
  const r = JSON.parse(io.stdout);
  assert.equal(r.kind, 'pool');
  assert.equal(r.sequence.length, 100000);
  assert.ok(Math.abs(r.shares['ip-2'] - 0.66667) < 1e-4);
  const bad = captureIo();
  assert.equal(await runPoolCommand([join(FIX, 'seed-queues-pools.lua'), 'nope'], bad), 1);
  assert.match(bad.stderr, /nope/);
});

test('the periodic fast path gives exactly the engine pick by pick', async () => {
  const { previewPool } = await import('../engines/egress-pool');
  const { picksOf } = await import('./pool-preview');
  for (const weights of [[2, 1], [5, 3, 0], [1, 1, 1], [5, 2, 3], [7, 0, 7, 3], [100, 1]]) {
    const pool = { name: 'p', entries: weights.map((w, i) => ({ name: `s${i}`, weight: w })) };
    for (const picks of [1, 7, 100, 1001, 20000]) {
      const a = previewPool(pool, picks);
      const b = picksOf(pool, picks);
      assert.deepEqual(b.sequence, a.sequence, `${weights} ${picks}`);
      assert.deepEqual(b.counts, a.counts);
      assert.deepEqual(b.shares, a.shares);
      assert.equal(b.period, a.period);
    }
  }
});

test('CLI: pool text form lists sources with weights, picks, shares and caps', async () => {
  const io = captureIo();
  assert.equal(await runPoolCommand([join(FIX, 'path-limits.lua'), 'warm', '--picks', '8', '--rate', '4000/h'], io), 0, io.stderr);
  assert.match(io.stdout, /sequence \(first 8 of 8\): new old old old new old old old/);
  assert.match(io.stdout, /new +1 +2 +25\.0% +2\.5% .*100\/h \(max_message_rate\)/);
  const bad = captureIo();
  assert.equal(await runPoolCommand([join(FIX, 'path-limits.lua'), 'warm', '--rate', '4000/hours'], bad), 2);
});
