// Golden values worked out by hand from KumoCorp/kumomta crates/throttle/src/throttle.rs (local_throttle)
// and wez/redis-cell redis-cell-impl/src/lib.rs (Rate::per_period, RateLimiter::rate_limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ThrottleSpec } from '../../values/types';
import { GcraCell, ThrottleStore, roundUpSeconds, throttleStoreKey, throttleSpecToString, emissionIntervalNs } from './gcra';
import { sortByRate, checkDispatchThrottles, idealConnectionCount, ConnectionLimiter, acquireAll, queueRateDelay, throttleKeys } from './rates';

const S = 1_000_000_000;
const spec = (limit: number, period: number, maxBurst?: number): ThrottleSpec => ({ limit, period, maxBurst, forceLocal: false });

/** retry-after (null = allowed) of `n` back-to-back requests at time `t`. */
function burst(cell: GcraCell, n: number, t = 0): Array<number | null> {
  const out: Array<number | null> = [];
  for (let i = 0; i < n; i++) out.push(cell.check(t).retryAfter);
  return out;
}

test('10/s: exactly 10 pass at once, the 11th waits 100ms rounded up to 1s', () => {
  const c = new GcraCell(spec(10, 1));
  assert.equal(c.intervalNs, 100_000_000);
  assert.equal(c.toleranceNs, S); // burst clamped to limit-1 = 9, tau = T*(9+1)
  const first = c.check(0);
  assert.deepEqual(first, { throttled: false, limit: 10, remaining: 9, resetAfter: 1, retryAfter: null });
  assert.deepEqual(burst(c, 9), Array(9).fill(null));
  const eleventh = c.check(0);
  assert.deepEqual(eleventh, { throttled: true, limit: 10, remaining: 0, resetAfter: 1, retryAfter: 1 });
  // 100ms later one more is admitted
  assert.equal(c.check(100_000_000).retryAfter, null);
});

test('6/m: 6 pass, then 10s; exactly at 10s one passes', () => {
  const c = new GcraCell(spec(6, 60));
  assert.deepEqual(burst(c, 6), Array(6).fill(null));
  assert.equal(c.check(0).retryAfter, 10);
  assert.equal(c.check(5 * S).retryAfter, 5);
  assert.equal(c.check(10 * S).retryAfter, null);
  assert.equal(c.check(10 * S).retryAfter, 10);
});

test('sub-millisecond waits round to 0 and count as allowed without consuming', () => {
  const c = new GcraCell(spec(6, 60));
  burst(c, 6);
  const r = c.check(10 * S - 500_000); // 0.5ms early
  assert.equal(r.throttled, true);
  assert.equal(r.retryAfter, null);
  assert.equal(c.tatNs, 60 * S); // TAT unchanged
  // 1.5ms early: subsec millis = 1 > 0, so it rounds up to 1s
  assert.equal(c.check(10 * S - 1_500_000).retryAfter, 1);
});

test('6/m,max_burst=1 admits 2 (B+1) locally, then one every 10s', () => {
  const c = new GcraCell(spec(6, 60, 1));
  assert.deepEqual(burst(c, 3), [null, null, 10]);
  assert.equal(c.limit, 2);
});

test('100/h, 1/s, 3/7s, 50/d,max_burst=1', () => {
  const h = new GcraCell(spec(100, 3600));
  assert.deepEqual(burst(h, 101).slice(98), [null, null, 36]);
  const one = new GcraCell(spec(1, 1)); // burst = min(1, 0) = 0
  assert.deepEqual(burst(one, 2), [null, 1]);
  const odd = new GcraCell(spec(3, 7));
  assert.equal(odd.intervalNs, 2_333_333_333); // (7e9 / 3) truncated
  // 4th request: wait 2.333333333s -> whole 2 + (333ms > 0) = 3
  assert.deepEqual(burst(odd, 4), [null, null, null, 3]);
  const day = new GcraCell(spec(50, 86400, 1));
  assert.deepEqual(burst(day, 3), [null, null, 1728]);
  assert.equal(emissionIntervalNs(50, 86400), 1728 * S);
});

test('a burst larger than the limit is clamped locally', () => {
  const c = new GcraCell(spec(5, 1, 100));
  assert.deepEqual(burst(c, 6), [null, null, null, null, null, 1]);
});

test('retryAfterSec is the hot-path twin of check', () => {
  const a = new GcraCell(spec(3, 7));
  const b = new GcraCell(spec(3, 7));
  for (let t = 0; t < 30 * S; t += 700_000_000) {
    assert.equal(a.retryAfterSec(t), b.check(t).retryAfter ?? 0);
    assert.equal(a.tatNs, b.tatNs);
  }
  assert.throws(() => new GcraCell(spec(1, 0)), /Zero rates/);
});

test('rounding, keys and canonical spec strings', () => {
  assert.equal(roundUpSeconds(100_000_000), 1);
  assert.equal(roundUpSeconds(1_000_999_999), 1);
  assert.equal(roundUpSeconds(1_001_000_000), 2);
  assert.equal(roundUpSeconds(-S), -1);
  assert.equal(throttleStoreKey('k', spec(10, 60)), 'k:10:10:60');
  assert.equal(throttleStoreKey('k', spec(10, 60, 2)), 'k:10:2:60');
  assert.equal(throttleSpecToString({ limit: 100, period: 7380, forceLocal: true }), 'local:100/7380s');
  assert.equal(throttleSpecToString({ limit: 50, period: 86400, maxBurst: 1, forceLocal: false }), '50/d,max_burst=1');
  assert.equal(throttleKeys.queueMessageRate('t@d.com'), 'schedq-t@d.com-message-rate');
  assert.equal(throttleKeys.pathMessageRate('ip-1->x@smtp_client'), 'kumomta.max_message_rate.ip-1->x@smtp_client');
  // the store keeps distinct state per spec under the same key
  const store = new ThrottleStore();
  store.throttle('q', spec(1, 60), 0);
  assert.equal(store.throttle('q', spec(1, 60), 0).retryAfter, 60);
  assert.equal(store.throttle('q', spec(2, 60), 0).retryAfter, null);
  assert.equal(store.size, 2);
});

test('queue-level max_message_rate gives a re-insert delay, path chain sorts tightest first', () => {
  const q = new GcraCell(spec(2, 1));
  assert.deepEqual([queueRateDelay(q, 0), queueRateDelay(q, 0), queueRateDelay(q, 0)], [null, null, 1]);
  const sorted = sortByRate([{ spec: spec(10, 1), key: 'a' }, { spec: spec(100, 3600), key: 'b' }, { spec: spec(6, 60), key: 'c' }]);
  assert.deepEqual(sorted.map((x) => x.key), ['b', 'c', 'a']);
  const cells = sorted.map((x) => new GcraCell(x.spec));
  // idle_timeout 5s (rfc5321 default): 36s for 100/h means requeue, 1s means sleep
  for (let i = 0; i < 6; i++) assert.deepEqual(checkDispatchThrottles(cells, 0, i * 1_000_000, 5), { action: 'proceed' });
  // the 7th: 100/h (checked first) passes and spends a token, then 6/m says 10s >= idle_timeout
  assert.deepEqual(checkDispatchThrottles(cells, 0, 7_000_000, 5), { action: 'requeue', index: 1, seconds: 10 });
  assert.equal(cells[0].tatNs, 7 * 36 * S);
  const fast = [new GcraCell(spec(1, 1))];
  checkDispatchThrottles(fast, 0, 0, 5);
  assert.deepEqual(checkDispatchThrottles(fast, 0, 0, 5), { action: 'sleep', index: 0, seconds: 1 });
});

test('lesser of queue and path rates wins (emergent)', () => {
  // queue 5/s feeding a path limited to 2/s: over 60 virtual seconds the path admits ~2/s
  const queueCell = new GcraCell(spec(5, 1));
  const pathCell = new GcraCell(spec(2, 1));
  let passedQueue = 0;
  let sent = 0;
  for (let t = 0; t < 60 * S; t += 10_000_000) {
    if (queueCell.retryAfterSec(t) !== 0) continue;
    passedQueue++;
    if (pathCell.retryAfterSec(t) === 0) sent++;
  }
  assert.ok(passedQueue >= 300 && passedQueue <= 305, String(passedQueue));
  assert.ok(sent >= 120 && sent <= 122, String(sent));
});

test('ideal connection count (ready_queue.rs ideal_connection_count) and connection limit leases', () => {
  // ready_queue.rs tests connection_limit_32 and connection_limit_1024
  const sizes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 32, 64, 128, 256, 400, 512, 1024];
  const want32 = [0, 1, 2, 3, 3, 4, 5, 5, 6, 6, 7, 12, 17, 25, 31, 32, 32, 32, 32];
  assert.deepEqual(sizes.map((n) => idealConnectionCount(n, 32)), want32);
  assert.deepEqual(sizes.map((n) => idealConnectionCount(n, 1024)), sizes);
  const lim = new ConnectionLimiter(2);
  const a = lim.acquire(0, 60);
  assert.notEqual(a, null);
  assert.notEqual(lim.acquire(0, 60), null);
  assert.equal(lim.acquire(0, 60), null);
  lim.release(a!);
  assert.notEqual(lim.acquire(1, 60), null);
  // leases expire after their duration
  assert.notEqual(lim.acquire(61 * S, 60), null);
  const small = new ConnectionLimiter(1);
  const big = new ConnectionLimiter(5);
  assert.notEqual(acquireAll([big, small], 0, 10), null);
  assert.equal(acquireAll([big, small], 0, 10), null);
  assert.equal(big.active(0), 1); // the failed attempt gave its lease back
});

test('backends: local admits limit, redis-cell limit+1, the Lua script exactly max_burst', async () => {
  const { makeThrottleCell, backendFor } = await import('./backends');
  const passes = (backend: 'local' | 'redis-cell' | 'redis-script', sp: ThrottleSpec) => {
    const c = makeThrottleCell(sp, backend);
    let n = 0;
    while (c.retryAfterSec(0) === 0 && n < 1000) n++;
    return n;
  };
  assert.deepEqual(['local', 'redis-cell', 'redis-script'].map((b) => passes(b as 'local', spec(6, 60))), [6, 7, 6]);
  assert.deepEqual(['local', 'redis-cell', 'redis-script'].map((b) => passes(b as 'local', spec(6, 60, 1))), [2, 2, 1]);
  // the script's clock has 1 s resolution; retry-after is ceil(-diff) seconds
  const s = makeThrottleCell(spec(6, 60), 'redis-script');
  for (let i = 0; i < 6; i++) s.check(0);
  assert.equal(s.check(999_000_000).retryAfter, 10); // still "second 0"
  assert.equal(s.check(5 * S).retryAfter, 5);
  assert.equal(backendFor({ ...spec(1, 1), forceLocal: true }, 'redis-cell'), 'local');
  assert.equal(backendFor(spec(1, 1), 'plain'), 'redis-script');
  assert.equal(backendFor(spec(1, 1), 'none'), 'local');
});
