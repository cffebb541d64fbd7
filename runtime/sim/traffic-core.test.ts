// Traffic simulation over the routing engines. Expectations follow from kumod's rules as implemented in
// the engines (egress_source.rs WRR, queue.rs insert_ready/backoff/expiry, ready_queue.rs throttles).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateTraffic } from './traffic-core';
import { routingBenchScenario } from './bench-scenario';
import type { TrafficResult, TrafficScenario } from './traffic-types';

const conserve = (r: TrafficResult) => {
  const t = r.totals;
  assert.equal(t.injected, t.delivered + t.bounced + t.expired + t.stranded + t.pendingScheduled + t.pendingReady + t.inFlight);
};

const pool2 = { name: 'pool2', entries: [{ name: 'ip-2', weight: 2 }, { name: 'ip-3', weight: 1 }] };

test("seed pool2: ip-2 sends twice as often as ip-3", () => {
  const r = simulateTraffic({
    messages: 3000,
    durationSec: 600,
    injectOverSec: 60,
    queues: [{ name: 'tenant-2@example.com', weight: 1, site: 'mx.example.com', config: { egressPool: 'pool2' } }],
    pools: { pool2 },
  });
  conserve(r);
  const sent = Object.fromEntries(r.paths.map((p) => [p.source, p.totals.sent]));
  assert.deepEqual(sent, { 'ip-2': 2000, 'ip-3': 1000 });
  assert.equal(r.paths[0].name, 'ip-2->mx.example.com@smtp_client');
});

test('unspecified pool when the queue config names none', () => {
  const r = simulateTraffic({ messages: 100, durationSec: 60, queues: [{ name: 'x.com', weight: 1, site: 'x.com' }] });
  assert.deepEqual(r.paths.map((p) => p.name), ['unspecified->x.com@smtp_client']);
  assert.equal(r.totals.delivered, 100);
});

test('queue max_message_rate: re-inserted with a delay, no attempts, ~rate per second', () => {
  const r = simulateTraffic({
    messages: 600,
    durationSec: 120,
    injectOverSec: 0,
    bucketSec: 10,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x', config: { maxMessageRate: { limit: 10, period: 1, forceLocal: false }, strategy: 'SkipList' } }],
    skipListReplacesSameSecond: false, // keep every message: this test is about the throttle
  });
  conserve(r);
  const q = r.queues[0];
  assert.equal(r.totals.delivered, 600);
  assert.equal(q.totals.deferred, 0);
  assert.equal(q.totals.retries, 0);
  assert.ok(q.totals.throttleDelays > 590, String(q.totals.throttleDelays));
  // 10 per second: the 600 take about a minute; no 10 s bucket exceeds 10/s by more than the burst
  for (const s of q.series.sent) assert.ok(s <= 110, `bucket ${s}`);
  assert.ok(q.series.sent.slice(6).every((s) => s === 0));
});

test('the lesser of queue and path rates wins', () => {
  const base = (queueRate: number, pathRate: number): TrafficScenario => ({
    messages: 2000,
    durationSec: 100,
    injectOverSec: 0,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x', config: { maxMessageRate: { limit: queueRate, period: 1, forceLocal: false }, strategy: 'SkipList' } }],
    skipListReplacesSameSecond: false,
    defaultPath: { maxMessageRate: { limit: pathRate, period: 1, forceLocal: false } },
  });
  const a = simulateTraffic(base(20, 5));
  const b = simulateTraffic(base(5, 20));
  for (const r of [a, b]) {
    conserve(r);
    // ~5/s over 100 s, plus the initial burst
    assert.ok(r.totals.delivered >= 495 && r.totals.delivered <= 520, String(r.totals.delivered));
  }
  assert.ok(a.paths[0].totals.throttleSleeps > 0);
  assert.equal(b.paths[0].totals.throttleSleeps, 0);
});

test('path throttle above idle_timeout requeues the ready queue (no attempts)', () => {
  const r = simulateTraffic({
    messages: 50,
    durationSec: 5 * 3600,
    injectOverSec: 0,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x' }],
    defaultPath: { maxMessageRate: { limit: 10, period: 3600, forceLocal: false } }, // 10 at once, then retry 360s >= 5s
  });
  conserve(r);
  assert.equal(r.totals.delivered, 50);
  assert.ok(r.paths[0].totals.throttleRequeues > 0);
  assert.equal(r.queues[0].totals.retries, 0);
});

test('transient failures retry with backoff until max_age; permanent ones bounce', () => {
  const r = simulateTraffic({
    messages: 200,
    durationSec: 1200,
    injectOverSec: 0,
    queues: [
      { name: 'a@soft.com', weight: 1, site: 'soft', config: { retryInterval: 60, maxAge: 300 } },
      { name: 'b@hard.com', weight: 1, site: 'hard' },
    ],
    sites: { soft: { transient: 1 }, hard: { permanent: 1 } },
  });
  conserve(r);
  const [a, b] = r.queues;
  assert.equal(a.totals.expired, a.totals.injected);
  // attempts at ~0, 60, 180; the next delay (240) would pass max_age 300
  assert.equal(a.totals.deferred, 3 * a.totals.injected);
  assert.equal(a.totals.retries, 2 * a.totals.injected);
  assert.equal(b.totals.bounced, b.totals.injected);
  assert.equal(r.totals.delivered, 0);
});

test('timeouts count as transient and close the connection', () => {
  const r = simulateTraffic({
    messages: 100,
    durationSec: 600,
    injectOverSec: 0,
    queues: [{ name: 'a@t.com', weight: 1, site: 't', config: { retryInterval: 60 } }],
    sites: { t: { timeout: 0.5, timeoutMs: 10_000 } },
    seed: 3,
  });
  conserve(r);
  assert.ok(r.queues[0].totals.deferred > 20);
  assert.ok(r.paths[0].totals.connectionsOpened > 20);
});

test('refresh_interval: get_queue_config re-run only when elapsed; weight-0 pools reset WRR each refresh', () => {
  const calls: number[] = [];
  const r = simulateTraffic({
    messages: 3600,
    durationSec: 3600,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x', config: { egressPool: 'p', refreshInterval: 300 } }],
    pools: { p: { name: 'p', entries: [{ name: 'A', weight: 2 }, { name: 'B', weight: 1 }, { name: 'Z', weight: 0 }] } },
    refreshQueueConfig: (_name, now) => {
      calls.push(now);
      return undefined;
    },
  });
  conserve(r);
  // created at t=0, refreshes at the 10 s maintainer ticks once 300 s have passed: 300, 600, ... 3600
  assert.deepEqual(calls, [300, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700, 3000, 3300, 3600].map((s) => s * 1000));
  assert.equal(r.queues[0].totals.configFetches, 13);
  const sent = Object.fromEntries(r.paths.map((p) => [p.source, p.totals.sent]));
  assert.equal(sent.A + sent.B, 3600);
  assert.ok(sent.A >= 2390 && sent.A <= 2410, JSON.stringify(sent)); // still 2:1 overall
  assert.ok(!('Z' in sent));
});

test('ready queue full: forced into delayed, no attempts counted', () => {
  const r = simulateTraffic({
    messages: 500,
    durationSec: 600,
    injectOverSec: 0,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x' }],
    defaultPath: { maxReady: 50, connectionLimit: 1 },
    sites: { x: { latencyMs: 100 } },
  });
  conserve(r);
  assert.equal(r.totals.delivered, 500);
  assert.ok(r.queues[0].totals.readyQueueFull > 0);
  assert.equal(r.queues[0].totals.deferred, 0);
  assert.equal(r.paths[0].totals.maxConnections, 1);
});

test('deterministic per seed; benchmark scenario in small', () => {
  const a = simulateTraffic(routingBenchScenario(20_000, 7));
  const b = simulateTraffic(routingBenchScenario(20_000, 7));
  assert.deepEqual(a.totals, b.totals);
  conserve(a);
  assert.equal(a.queues.length, 50);
  assert.equal(new Set(a.queues.map((q) => q.pool)).size, 3);
  assert.ok(a.totals.deferred > 0.08 * 20_000);
  assert.equal(a.queues[0].series.sent.length, a.buckets);
});

test('queue depth series: scheduled and ready depths sampled per bucket', () => {
  const r = simulateTraffic({
    messages: 1000,
    durationSec: 300,
    injectOverSec: 0,
    bucketSec: 30,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x', config: { retryInterval: 60 } }],
    defaultPath: { connectionLimit: 2 },
    sites: { x: { latencyMs: 500, transient: 0.2 } },
    seed: 9,
  });
  conserve(r);
  const q = r.queues[0];
  assert.equal(q.series.readyDepth.length, 10);
  assert.ok(q.series.readyDepth[0] > 800, String(q.series.readyDepth[0])); // 2 connections x 2/s drain slowly
  assert.ok(q.series.depth.some((d) => d > 0)); // transient failures wait in the scheduled queue
  assert.equal(q.series.readyDepth[0], r.paths[0].series.readyDepth[0]);
});

test('no usable source: transient failures with backoff until expiry; zero retry interval does not spin', () => {
  const r = simulateTraffic({
    messages: 10,
    durationSec: 3600,
    injectOverSec: 0,
    queues: [
      { name: 'a@x.com', weight: 1, site: 'x', config: { egressPool: 'dead', retryInterval: 60, maxAge: 600 } },
      { name: 'b@x.com', weight: 1, site: 'x', config: { egressPool: 'dead', retryInterval: 0, maxAge: 30 } },
    ],
    pools: { dead: { name: 'dead', entries: [{ name: 'ip-9', weight: 0 }] } },
  });
  conserve(r);
  assert.equal(r.totals.delivered, 0);
  assert.equal(r.totals.expired, 10);
  assert.equal(r.paths.length, 0);
});

test('TimerWheel ticks: retries come out on the queue tick grid', () => {
  // retry 60 s -> tick 3 s from queue creation at t=0; every retry is released on a multiple of 3 s
  const r = simulateTraffic({
    messages: 200,
    durationSec: 900,
    injectOverSec: 0,
    bucketSec: 1,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x', config: { strategy: 'TimerWheel', retryInterval: 60, maxAge: 3600 } }],
    sites: { x: { transient: 0.5, latencyMs: 100, connectMs: 0 } },
    defaultPath: { connectionLimit: 1000 },
    seed: 11,
  });
  conserve(r);
  const q = r.queues[0];
  assert.ok(q.totals.retries > 50);
  // retries start within 100 ms of a release tick: only buckets [3k, 3k+1) hold retried deliveries
  q.series.retries.forEach((n, b) => {
    if (n > 0) assert.equal(b % 3, 0, `retries in second ${b}`);
  });
});

test('additional_message_rate_throttles with a shared key throttle two paths together', () => {
  const shared = { 'shared-provider': { limit: 2, period: 1, forceLocal: false } };
  const r = simulateTraffic({
    messages: 1000,
    durationSec: 100,
    injectOverSec: 0,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x', config: { egressPool: 'p' } }],
    pools: { p: { name: 'p', entries: [{ name: 'A' }, { name: 'B' }] } },
    defaultPath: { additionalMessageRateThrottles: shared },
  });
  conserve(r);
  // one 2/s budget across both paths: ~200 in 100 s (+ initial burst), not ~400
  assert.ok(r.totals.delivered >= 195 && r.totals.delivered <= 210, String(r.totals.delivered));
});

test('source_selection_rate: a throttled source is skipped for the other one', () => {
  const r = simulateTraffic({
    messages: 400,
    durationSec: 60,
    injectOverSec: 40,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x', config: { egressPool: 'p' } }],
    pools: { p: { name: 'p', entries: [{ name: 'A' }, { name: 'B' }] } },
    paths: { 'A->x': { sourceSelectionRate: { limit: 1, period: 1, forceLocal: false } } },
  });
  conserve(r);
  const sent = Object.fromEntries(r.paths.map((p) => [p.source, p.totals.sent]));
  assert.ok(sent.A <= 45, JSON.stringify(sent));
  assert.equal(sent.A + sent.B, 400);
});

test('connection_limit and latency bound a path: limit 2 at 500 ms is 4 messages/s', () => {
  const r = simulateTraffic({
    messages: 1000,
    durationSec: 100,
    injectOverSec: 0,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x' }],
    defaultPath: { connectionLimit: 2, maxReady: 10_000 },
    sites: { x: { latencyMs: 500, connectMs: 0 } },
  });
  conserve(r);
  assert.equal(r.paths[0].totals.maxConnections, 2);
  assert.ok(r.totals.delivered >= 398 && r.totals.delivered <= 400, String(r.totals.delivered));
});

test('SingletonTimerWheel: one global 3 s grid shared by all queues, from the first insert', () => {
  const r = simulateTraffic({
    messages: 400,
    durationSec: 600,
    injectOverSec: 100,
    bucketSec: 1,
    queues: [
      { name: 'a@x.com', weight: 1, site: 'x', config: { retryInterval: 30 } },
      { name: 'b@y.com', weight: 1, site: 'y', config: { retryInterval: 45 } },
    ],
    sites: { x: { transient: 0.3, latencyMs: 50, connectMs: 0 }, y: { transient: 0.3, latencyMs: 50, connectMs: 0 } },
    defaultPath: { connectionLimit: 1000 },
    seed: 5,
  });
  conserve(r);
  // the first delayed insert happens at the first transient failure; every retry then leaves on that grid
  const firstRetry = [0, 1].map((i) => r.queues[i].series.retries.findIndex((n) => n > 0));
  assert.ok(firstRetry.every((b) => b >= 0));
  const phase = (b: number) => b % 3;
  const phases = new Set<number>();
  for (const q of r.queues) q.series.retries.forEach((n, b) => n > 0 && phases.add(phase(b)));
  assert.equal(phases.size, 1, JSON.stringify([...phases]));
});

test('max_connection_rate: sleeps below idle_timeout, requeues the ready queue at or above it', () => {
  const run = (limit: number, period: number) =>
    simulateTraffic({
      messages: 100,
      durationSec: 60,
      injectOverSec: 0,
      queues: [{ name: 'q@x.com', weight: 1, site: 'x', config: { strategy: 'SkipList' } }],
      skipListReplacesSameSecond: false,
      defaultPath: { maxConnectionRate: { limit, period, forceLocal: false }, maxDeliveriesPerConnection: 1, connectionLimit: 4 },
      sites: { x: { latencyMs: 10, connectMs: 0 } },
    });
  const sleepy = run(1, 1); // retry-after 1 s < 5 s: the dispatcher sleeps and tries again
  conserve(sleepy);
  assert.ok(sleepy.totals.delivered >= 58 && sleepy.totals.delivered <= 62, String(sleepy.totals.delivered));
  assert.ok(sleepy.paths[0].totals.connectionRateDelays > 0);
  assert.equal(sleepy.queues[0].totals.throttleDelays, 0);
  const requeued = run(10, 60); // 10 at once, then retry-after 6 s >= 5 s: the ready queue goes back
  conserve(requeued);
  assert.ok(requeued.totals.delivered >= 18 && requeued.totals.delivered <= 20, String(requeued.totals.delivered));
  assert.ok(requeued.totals.pendingScheduled > 0);
  assert.equal(requeued.queues[0].totals.deferred, 0); // no attempts counted
});

test("kumod's SkipList keeps one message per due second (SkipSet::insert replaces equal entries)", () => {
  const base: TrafficScenario = {
    messages: 600,
    durationSec: 120,
    injectOverSec: 0,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x', config: { maxMessageRate: { limit: 10, period: 1, forceLocal: false }, strategy: 'SkipList' } }],
  };
  const kumod = simulateTraffic(base);
  conserve(kumod);
  // 10 pass at t=0; the 590 refused all come due in second 1: only the last inserted survives
  assert.equal(kumod.totals.stranded, 589);
  assert.equal(kumod.totals.delivered, 11);
  assert.equal(kumod.queues[0].totals.stranded, 589);
  const intended = simulateTraffic({ ...base, skipListReplacesSameSecond: false });
  assert.equal(intended.totals.stranded, 0);
  assert.equal(intended.totals.delivered, 600);
});

test('queue max_message_rate is only re-checked on strategy ticks: 10/s with the default wheel gives 10 per 3 s', () => {
  const r = simulateTraffic({
    messages: 600,
    durationSec: 60,
    injectOverSec: 0,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x', config: { maxMessageRate: { limit: 10, period: 1, forceLocal: false } } }],
  });
  conserve(r);
  // burst 10 at t=0, then the herd comes back every 3 s (SingletonTimerWheel) and 10 pass each time
  assert.ok(r.totals.delivered >= 200 && r.totals.delivered <= 210, String(r.totals.delivered));
  const tw = simulateTraffic({
    messages: 600,
    durationSec: 600,
    injectOverSec: 0,
    queues: [{ name: 'q@x.com', weight: 1, site: 'x', config: { maxMessageRate: { limit: 10, period: 1, forceLocal: false }, strategy: 'TimerWheel' } }],
  });
  // TimerWheel with the default 20 min retry ticks every 60 s: 10 per minute
  assert.ok(tw.totals.delivered >= 100 && tw.totals.delivered <= 110, String(tw.totals.delivered));
});
