/**
 * Where kumod applies throttles, and what it does when one bites. Pure functions over `GcraCell`s.
 *
 * Sources (KumoCorp/kumomta): crates/kumod/src/queue/queue.rs (`insert_ready`: queue max_message_rate →
 * requeue with delay, no attempt, no jitter), crates/kumod/src/ready_queue.rs (`deliver_message`,
 * `check_throttle`, `throttle_ready_queue`, `ideal_connection_count`), crates/kumod/src/smtp_dispatcher.rs
 * (max_connection_rate), crates/throttle/src/limit.rs (connection_limit leases).
 */
import type { ThrottleSpec } from '../../values/types';
import { GcraCell, ThrottleStore, rateSortKey } from './gcra';

const NS_PER_S = 1_000_000_000;

/** Throttle keys kumod uses (before the `:limit:burst:period` suffix). */
export const throttleKeys = {
  queueMessageRate: (queueName: string) => `schedq-${queueName}-message-rate`,
  pathMessageRate: (readyQueueName: string) => `kumomta.max_message_rate.${readyQueueName}`,
  connectionRate: (readyQueueName: string) => `${readyQueueName}-connection-rate`,
  readyQueueMaintainerRate: (readyQueueName: string) => `${readyQueueName}-readyq-maintainer-rate`,
  sourceSelectionRate: (readyQueueName: string, source: string) => `kumomta.source_selection_rate.${readyQueueName}.${source}`,
  connectionLimit: (readyQueueName: string) => `kumomta.connection_limit.${readyQueueName}`,
};

/**
 * Queue-level `max_message_rate` at `insert_ready`: `null` to proceed, or the delay in whole seconds
 * with which kumod re-inserts the message into its scheduled queue (attempts unchanged, no jitter).
 */
export function queueRateDelay(cell: GcraCell, nowNs: number): number | null {
  const r = cell.retryAfterSec(nowNs);
  return r === 0 ? null : r;
}

export interface KeyedThrottle {
  key: string;
  spec: ThrottleSpec;
}

/** Several throttles in the order kumod checks them: ascending rate, stable (Rust `sort_by_key`). */
export function sortByRate<T extends { spec: ThrottleSpec }>(list: readonly T[]): T[] {
  return list
    .map((t, i) => ({ t, i, k: rateSortKey(t.spec) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.t);
}

/** What the ready-queue dispatcher does with a message-rate or connection-rate check. */
export type DispatchThrottleDecision =
  | { action: 'proceed' }
  /** Sleep `seconds`, then check throttle `index` again (kumod's loop in `check_throttle`). */
  | { action: 'sleep'; index: number; seconds: number }
  /** `retry_after >= idle_timeout`: the ready queue and batch go back to their scheduled queues with this delay, no attempt counted. */
  | { action: 'requeue'; index: number; seconds: number };

/**
 * kumod's path-level throttle chain (`deliver_message` → `check_throttle`): throttles sorted tightest
 * first; the first one that gives a retry-after decides. Throttles before `startIndex` have already
 * passed (after a sleep kumod re-checks only the throttle it slept on, then carries on down the list).
 * `cells` must be in the order `sortByRate` gives.
 */
export function checkDispatchThrottles(cells: readonly GcraCell[], startIndex: number, nowNs: number, idleTimeoutSec: number): DispatchThrottleDecision {
  for (let i = startIndex; i < cells.length; i++) {
    const r = cells[i].retryAfterSec(nowNs);
    if (r > 0) return r >= idleTimeoutSec ? { action: 'requeue', index: i, seconds: r } : { action: 'sleep', index: i, seconds: r };
  }
  return { action: 'proceed' };
}

/** Source selection throttles: the first retry-after (tightest first) makes the source ineligible for now. */
export function sourceSelectionDelay(store: ThrottleStore, throttles: readonly KeyedThrottle[], nowNs: number): number | null {
  for (const t of sortByRate(throttles)) {
    const r = store.throttle(t.key, t.spec, nowNs).retryAfter;
    if (r !== null) return r;
  }
  return null;
}

/**
 * The number of connections kumod aims for (`ideal_connection_count`, f32 arithmetic):
 * `min(ceil(limit * min(1 - exp(-0.023 * n), n)), n)`.
 */
export function idealConnectionCount(queueSize: number, connectionLimit: number): number {
  const f = Math.fround;
  const n = f(queueSize);
  const curve = f(1 - f(Math.exp(f(f(-1 * n) * f(0.023)))));
  const goal = f(f(connectionLimit) * Math.min(curve, n));
  return Math.min(Math.ceil(goal), n);
}

/**
 * `connection_limit` as kumod enforces it: a lease semaphore (not a GCRA). Each connection holds a
 * lease until it closes, or until the lease expires (`now + lease duration` on acquisition).
 */
export class ConnectionLimiter {
  /** Expiry (virtual ns) of each held lease. */
  private readonly leases: number[] = [];

  constructor(public limit: number) {}

  private expire(nowNs: number): void {
    for (let i = this.leases.length - 1; i >= 0; i--) if (this.leases[i] <= nowNs) this.leases.splice(i, 1);
  }

  /** Takes a lease, returning its handle (its expiry) or `null` when `limit` leases are held. */
  acquire(nowNs: number, leaseSec: number): number | null {
    this.expire(nowNs);
    if (this.leases.length >= this.limit) return null;
    const until = nowNs + leaseSec * NS_PER_S;
    this.leases.push(until);
    return until;
  }

  release(handle: number): void {
    const i = this.leases.indexOf(handle);
    if (i >= 0) this.leases.splice(i, 1);
  }

  active(nowNs: number): number {
    this.expire(nowNs);
    return this.leases.length;
  }
}

/**
 * Several connection limits: kumod takes a lease from each, smallest limit first, and gives up at the
 * first one that is full (releasing what it took).
 */
export function acquireAll(limiters: readonly ConnectionLimiter[], nowNs: number, leaseSec: number): Array<[ConnectionLimiter, number]> | null {
  const sorted = [...limiters].sort((a, b) => a.limit - b.limit);
  const got: Array<[ConnectionLimiter, number]> = [];
  for (const l of sorted) {
    const h = l.acquire(nowNs, leaseSec);
    if (h === null) {
      for (const [gl, gh] of got) gl.release(gh);
      return null;
    }
    got.push([l, h]);
  }
  return got;
}
