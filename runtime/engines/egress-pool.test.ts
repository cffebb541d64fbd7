// WRR sequences worked out by hand from KumoCorp/kumomta crates/kumod/src/egress_source.rs
// (`EgressPoolSourceSelector::next_impl`, state starting at index 0 / weight 0; test `round_robin`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WrrSelector, previewPool, selectSource, SourceTry, unspecifiedPool, poolNameOf, wrrNext, type EgressPool } from './egress-pool';

const pool = (...ws: number[]): EgressPool => ({ name: 'p', entries: ws.map((w, i) => ({ name: 'ABCDEFG'[i], weight: w })) });
const seq = (p: EgressPool, n: number) => previewPool(p, n).sequence.join('');

test('weights (2,1): B A A | B A A', () => {
  assert.equal(seq(pool(2, 1), 9), 'BAABAABAA');
});

test('weights (5,3,0): weight 0 dropped; B then A A A B A B A B repeating', () => {
  const p = pool(5, 3, 0);
  assert.equal(seq(p, 17), 'B' + 'AAABABAB' + 'AAABABAB');
  const pr = previewPool(p, 800);
  assert.deepEqual(pr.counts, { A: 500, B: 300 });
  assert.equal(pr.period, 8);
  assert.equal(new WrrSelector(p).entries.length, 2);
});

test('weights (1,1,1): plain rotation starting at index 1', () => {
  assert.equal(seq(pool(1, 1, 1), 7), 'BCABCAB');
});

test('weights (5,2,3): kumod round_robin test proportions and sequence', () => {
  assert.equal(seq(pool(5, 2, 3), 20), 'BCAAACABCA' + 'BCAAACABCA');
  assert.deepEqual(previewPool(pool(5, 2, 3), 100).counts, { A: 50, B: 20, C: 30 });
});

test('seed pool2: ip-2 weight 2, ip-3 weight 1 gives 2:1', () => {
  const pool2: EgressPool = { name: 'pool2', entries: [{ name: 'ip-2', weight: 2 }, { name: 'ip-3', weight: 1 }] };
  const pr = previewPool(pool2, 3000);
  assert.deepEqual(pr.counts, { 'ip-2': 2000, 'ip-3': 1000 });
  assert.deepEqual(pr.sequence.slice(0, 6), ['ip-3', 'ip-2', 'ip-2', 'ip-3', 'ip-2', 'ip-2']);
  assert.ok(Math.abs(pr.shares['ip-2'] - 2 / 3) < 1e-12);
});

test('unspecified pool and source; single entry leaves state untouched', () => {
  assert.equal(poolNameOf(undefined), 'unspecified');
  const sel = new WrrSelector(unspecifiedPool());
  assert.equal(sel.next(), 'unspecified');
  assert.deepEqual(sel.state, { index: 0, weight: 0 });
  assert.equal(new WrrSelector(pool(0, 0)).next(), null);
  assert.equal(wrrNext({ index: 0, weight: 0 }, [0, 0], 2), -1);
});

test('state is per selector (per scheduled queue); weight-0 pools are never equivalent', () => {
  const p = pool(2, 1);
  const q1 = new WrrSelector(p);
  const q2 = new WrrSelector(p);
  assert.equal([q1.next(), q1.next(), q1.next(), q2.next()].join(''), 'BAAB');
  assert.ok(q1.equivalent(p));
  assert.ok(!new WrrSelector(pool(1, 0)).equivalent(pool(1, 0)));
});

test('select_and_insert: a full source is dropped and WRR asked again on the shorter list', () => {
  const sel = new WrrSelector(pool(1, 1, 1));
  const r = selectSource(sel, () => null, (n) => ({ result: n === 'B' ? SourceTry.Full : SourceTry.Inserted }));
  assert.deepEqual(r, { kind: 'inserted', source: 'A' });
  assert.deepEqual(selectSource(new WrrSelector(pool(1, 1)), () => null, () => ({ result: SourceTry.Full })), { kind: 'ready-queue-full' });
  assert.deepEqual(
    selectSource(new WrrSelector(pool(1, 1)), (n) => (n === 'A' ? 30 : null), () => ({ result: SourceTry.Throttled, delay: 7 })),
    { kind: 'delay', seconds: 7 },
  );
  assert.deepEqual(selectSource(new WrrSelector(pool(0)), () => null, () => ({ result: SourceTry.Inserted })), { kind: 'no-sources' });
});

test('a 100,000-pick preview gives every pick, in the weights\' proportions', () => {
  // Its speed (<= 200 ms) is a figure of `npm run bench -- routing`, not of this test.
  const pr = previewPool({ name: 'x', entries: [{ name: 'a', weight: 7 }, { name: 'b', weight: 3 }, { name: 'c', weight: 2 }] }, 100_000);
  assert.equal(pr.sequence.length, 100_000);
  const count = (n: string) => pr.sequence.filter((x) => x === n).length;
  assert.ok(Math.abs(count('a') / 100_000 - 7 / 12) < 0.001 && Math.abs(count('b') / 100_000 - 3 / 12) < 0.001);
});

test('preview shortcut (periodic copy) equals stepping the selector pick by pick', () => {
  const pools = [pool(2, 1), pool(5, 3, 0), pool(1, 1, 1), pool(5, 2, 3), pool(7, 0, 3, 2), pool(4, 6), pool(1), pool(0)];
  for (const p of pools) {
    for (const picks of [0, 1, 5, 17, 1000, 1003]) {
      const sel = new WrrSelector(p);
      const manual: string[] = [];
      for (let i = 0; i < picks; i++) {
        const nm = sel.next();
        if (nm !== null) manual.push(nm);
      }
      const pr = previewPool(p, picks);
      assert.deepEqual(pr.sequence, manual, JSON.stringify(p.entries) + ' ' + picks);
      const counts: Record<string, number> = {};
      for (const nm of manual) counts[nm] = (counts[nm] ?? 0) + 1;
      for (const [k, v] of Object.entries(pr.counts)) assert.equal(v, counts[k] ?? 0);
    }
  }
});
