// Golden values worked out from KumoCorp/kumomta crates/kumod/src/queue/config.rs (delay_for_attempt),
// queue.rs (increment_attempts_and_update_delay, jitter, expiry, config maintainer), strategy.rs and
// maintainer.rs (tick rules), crates/timeq/src/lib.rs, crates/message/src/timeq.rs, ready_queue.rs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  delayForAttempt,
  jitterSeconds,
  jitterBounds,
  retryAfterTransientFailure,
  retrySchedule,
  expiresOnRequeue,
  delayWithJitter,
  MAX_CHRONO_SECONDS,
} from './backoff';
import { queueConfig, QUEUE_CONFIG_DEFAULTS } from './config';
import { Rng } from './rng';
import { timerWheelTickMs, TickedWheel, SingletonWheels, SingletonV1, SingletonV2, SkipListModel, READY_NOW, releaseModel } from './strategy';
import { QueueLifecycle, maintainerTicksBetween } from './refresh';
import { ReadyFifo } from './ready-queue';
import { TimeHeap } from './heap';

test('defaults: SingletonTimerWheel, 20m retry, 7d max_age, 60s refresh, 10m reap', () => {
  assert.equal(QUEUE_CONFIG_DEFAULTS.strategy, 'SingletonTimerWheel');
  assert.equal(QUEUE_CONFIG_DEFAULTS.retryInterval, 1200);
  assert.equal(QUEUE_CONFIG_DEFAULTS.maxAge, 604800);
  assert.equal(QUEUE_CONFIG_DEFAULTS.refreshInterval, 60);
  assert.equal(QUEUE_CONFIG_DEFAULTS.reapInterval, 600);
});

test('delay_for_attempt: doubling from the 0-based attempt, capped, saturating', () => {
  assert.deepEqual([0, 1, 2, 3, 4].map((a) => delayForAttempt(1200, null, a)), [1200, 2400, 4800, 9600, 19200]);
  assert.deepEqual([0, 1, 2, 3, 9].map((a) => delayForAttempt(1200, 3600, a)), [1200, 2400, 3600, 3600, 3600]);
  assert.equal(delayForAttempt(1200, 3600, 200), 3600);
  // u64 product above i64::MAX wraps negative in kumod's `as i64`
  assert.ok(delayForAttempt(1200, null, 53) < 0);
  assert.equal(delayForAttempt(1200, null, 64), -1); // saturated u64::MAX as i64
  assert.equal(delayForAttempt(1, null, 62), Math.min(2 ** 62, MAX_CHRONO_SECONDS));
});

test('jitter: from the base interval, min(ri/20, 60) wide, truncated toward zero', () => {
  assert.deepEqual(jitterBounds(1200), [-30, 29]);
  assert.deepEqual(jitterBounds(3600), [-30, 29]); // capped at 60 s wide
  assert.deepEqual(jitterBounds(60), [-1, 1]);
  assert.deepEqual(jitterBounds(20), [0, 0]);
  assert.deepEqual(jitterBounds(10), [0, 0]);
  assert.equal(jitterSeconds(1200, 0), -30);
  assert.equal(jitterSeconds(1200, 0.5), 0);
  assert.equal(jitterSeconds(1200, 0.99999994), 29);
  assert.equal(jitterSeconds(1200, 0.49), 0); // -0.6 truncates toward zero
  const rng = new Rng(7);
  for (let i = 0; i < 10_000; i++) {
    const r = retryAfterTransientFailure(queueConfig(), 3, 0, rng);
    assert.ok(r.delaySec >= 9600 - 30 && r.delaySec <= 9600 + 29, String(r.delaySec));
    assert.equal(r.attempts, 4);
  }
});

test('retry schedule with defaults: 9 attempts, then expiry before the 7-day mark', () => {
  const { attempts, expiredAtSec } = retrySchedule(queueConfig(), new Rng(42));
  assert.equal(attempts.length, 9);
  const nominal = [0, 1200, 3600, 8400, 18000, 37200, 75600, 152400, 306000];
  attempts.forEach((a, i) => {
    assert.equal(a.attempt, i);
    assert.ok(Math.abs(a.atSec - nominal[i]) <= 30 * i, `attempt ${i} at ${a.atSec}`);
    if (i > 0) {
      const base = 1200 * 2 ** (i - 1);
      assert.ok(a.delaySec >= base - 30 && a.delaySec <= base + 29);
    }
  });
  assert.ok(expiredAtSec !== null && Math.abs(expiredAtSec - 306000) <= 240);
});

test('max_age expiry is strict (age + delay > max_age)', () => {
  // retry 20s has zero jitter: attempts at 0, 20, 60; at 60 the next delay (80) would pass 60
  const cfg = queueConfig({ retryInterval: 20, maxAge: 60 });
  const s = retrySchedule(cfg, new Rng(1));
  assert.deepEqual(s.attempts.map((a) => a.atSec), [0, 20, 60]);
  assert.equal(s.expiredAtSec, 60);
  assert.equal(retryAfterTransientFailure(cfg, 1, 20_000, new Rng(1)).expired, false); // 20 + 40 == 60
  assert.equal(retryAfterTransientFailure(cfg, 1, 20_001, new Rng(1)).expired, true);
  // with max_retry_interval the schedule flattens
  const flat = retrySchedule(queueConfig({ retryInterval: 20, maxRetryInterval: 40, maxAge: 300 }), new Rng(1));
  assert.deepEqual(flat.attempts.map((a) => a.atSec), [0, 20, 60, 100, 140, 180, 220, 260, 300]);
  // per-message set_scheduling expiry: next_due >= expires
  assert.equal(retryAfterTransientFailure(cfg, 0, 0, new Rng(1), 0, 20_000).expired, true);
  assert.equal(retryAfterTransientFailure(cfg, 0, 0, new Rng(1), 0, 20_001).expired, false);
  // requeue without increment: age(due) >= max_age
  assert.equal(expiresOnRequeue(0, 60_000, 60), true);
  assert.equal(expiresOnRequeue(0, 59_999, 60), false);
  const rng = new Rng(3);
  for (let i = 0; i < 1000; i++) {
    const d = delayWithJitter(60, rng);
    assert.ok(d >= 0 && d <= 59);
  }
});

test('the rng is deterministic per seed and gives 24-bit f32 values', () => {
  const a = new Rng(99);
  const b = new Rng(99);
  for (let i = 0; i < 100; i++) {
    const x = a.f32();
    assert.equal(x, b.f32());
    assert.ok(x >= 0 && x < 1 && Number.isInteger(x * 2 ** 24));
  }
  assert.notEqual(new Rng(1).nextU32(), new Rng(2).nextU32());
});

test('TimerWheel tick rule: clamp(retry_interval/20, 1s, 60s) unless set', () => {
  assert.equal(timerWheelTickMs(queueConfig()), 60_000);
  assert.equal(timerWheelTickMs(queueConfig({ retryInterval: 60 })), 3_000);
  assert.equal(timerWheelTickMs(queueConfig({ retryInterval: 10 })), 1_000);
  assert.equal(timerWheelTickMs(queueConfig({ retryInterval: 3600 })), 60_000);
  assert.equal(timerWheelTickMs(queueConfig({ timerwheelTickInterval: 5 })), 5_000);
});

test('ticked wheels place entries relative to the last tick: up to one tick early', () => {
  const w = new TickedWheel('TimerWheel', 0, 3000);
  assert.equal(w.release(2500, 4000), 3000); // due in 1.5s, counted from the tick at 0
  assert.equal(w.release(3000, 4000), 6000);
  assert.equal(w.release(0, 3000), 3000);
  assert.equal(w.release(100, 100), READY_NOW);
  assert.equal(w.ticksUntil(9000), 4);
  const g = new SingletonWheels();
  const v1 = new SingletonV1(g);
  assert.equal(v1.release(1000, 2000), 4000); // lazily created at 1000, ticks at 4000, 7000, ...
  assert.equal(g.v1Origin, 1000);
  assert.equal(v1.release(3500, 4200), 4000);
  const v2 = new SingletonV2(g);
  assert.equal(v2.release(2500, 4000), 5500); // origin 2500: ticks 5500, 8500
  assert.equal(g.v2Origin, 2500);
  assert.equal(v2.release(3000, 5500), 5500);
  assert.equal(v2.release(3000, 5501), 8500);
  assert.equal(v2.release(3000, 3000), READY_NOW);
});

test('SkipList: whole-second buckets, same-second entries go straight to ready', () => {
  const s = new SkipListModel();
  assert.equal(s.release(1200, 1900), READY_NOW);
  assert.equal(s.release(1200, 2100), 2200); // phase 200 from the first wake-up
  assert.equal(s.release(5500, 9100), 9200);
  const m = releaseModel(queueConfig({ strategy: 'TimerWheel', retryInterval: 60 }), 500, new SingletonWheels());
  assert.equal(m.release(600, 2000), 3500);
});

test('config refresh only when refresh_interval has elapsed, checked every 10 s; reap when empty and idle', () => {
  const q = new QueueLifecycle(5_000, queueConfig());
  assert.equal(q.onMaintainer(60_000, false), 'none');
  assert.equal(q.onMaintainer(70_000, false), 'refresh');
  q.applyRefresh(70_000, queueConfig({ refreshInterval: 30 }));
  assert.equal(q.configFetches, 2);
  assert.equal(q.onMaintainer(90_000, false), 'none');
  assert.equal(q.onMaintainer(100_000, false), 'refresh');
  q.touch(100_000);
  assert.equal(q.onMaintainer(690_000, true), 'refresh'); // not idle long enough to reap yet
  q.applyRefresh(690_000, queueConfig());
  assert.equal(q.onMaintainer(700_000, true), 'reap');
  const e = new QueueLifecycle(0, queueConfig({ refreshStrategy: 'Epoch' }));
  assert.equal(e.onMaintainer(1_000_000, false), 'none');
  assert.equal(e.onMaintainer(1_000_000, false, true), 'refresh');
  assert.equal(maintainerTicksBetween(5_000, 65_000), 6);
});

test('ready FIFO: max_ready counts reservations; lowering capacity pops from the back', () => {
  const f = new ReadyFifo(2);
  assert.ok(f.reserve());
  assert.ok(f.reserve());
  assert.ok(!f.reserve());
  f.redeem(1);
  f.redeem(2);
  assert.ok(!f.reserve());
  assert.deepEqual(f.updateCapacity(1), [2]);
  assert.equal(f.shift(), 1);
  assert.equal(f.shift(), -1);
  for (let i = 0; i < 100; i++) f.pushBack(i);
  const out: number[] = [];
  f.takeAll(out);
  assert.equal(out.length, 100);
  assert.equal(out[99], 99);
});

test('time heap pops in time order, ties in insertion order', () => {
  const h = new TimeHeap(2);
  const rng = new Rng(5);
  const items: Array<[number, number]> = [];
  for (let i = 0; i < 5000; i++) {
    const t = Math.floor(rng.unit() * 100);
    items.push([t, i]);
    h.push(t, i);
  }
  items.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [, id] of items) assert.equal(h.pop(), id);
  assert.equal(h.pop(), -1);
  assert.equal(h.peekTime(), Infinity);
});

test('SkipListSchedule: whole-second buckets, maintainer phase follows the wake that scheduled it', async () => {
  const { SkipListSchedule } = await import('./strategy');
  const s = new SkipListSchedule();
  assert.ok(SkipListSchedule.isReadyNow(1200, 1999));
  assert.ok(!SkipListSchedule.isReadyNow(1200, 2000));
  // first insert (queue empty) notifies: the maintainer wakes at 1200, finds nothing due,
  // and sleeps (5 - 1) whole seconds from 1200: next wake 5200
  assert.equal(s.addBucket(1200, 5, 100), true);
  assert.equal(s.wakeAt, 1200);
  assert.equal(s.popDue(1200), -1);
  assert.equal(s.sleepAfterWake(1200), 5200);
  // a later bucket does not notify
  assert.equal(s.addBucket(2500, 9, 101), false);
  assert.equal(s.slotOf(9), 101);
  // an earlier bucket notifies at 3700: re-phased to .700, wakes at 4700 for bucket 4
  assert.equal(s.addBucket(3700, 4, 102), true);
  assert.equal(s.popDue(3700), -1);
  assert.equal(s.sleepAfterWake(3700), 4700);
  assert.equal(s.popDue(4700), 102);
  assert.equal(s.popDue(4700), -1);
  assert.equal(s.sleepAfterWake(4700), 5700); // bucket 5 at .700, not .200
  assert.equal(s.popDue(5700), 100);
  assert.equal(s.sleepAfterWake(5700), 9700);
  assert.equal(s.popDue(9700), 101);
  assert.equal(s.sleepAfterWake(9700), -1);
  assert.equal(s.size, 0);
});
