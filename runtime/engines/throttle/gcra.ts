/**
 * The GCRA of kumod's local (in-process) throttle backend, on a virtual clock in integer nanoseconds.
 *
 * Sources: KumoCorp/kumomta crates/throttle/src/throttle.rs (`local_throttle`: burst clamp to limit-1,
 * retry-after/reset-after rounding) and wez/redis-cell redis-cell-impl/src/lib.rs (`Rate::per_period`,
 * `RateLimiter::rate_limit`) at the revision kumo pins.
 */
import type { ThrottleSpec } from '../../values/types';

const NS_PER_S = 1_000_000_000;
const NS_PER_MS = 1_000_000;

export interface ThrottleResult {
  throttled: boolean;
  /** `max_burst + 1` after the local clamp. */
  limit: number;
  remaining: number;
  /** Whole seconds, rounded up as kumod does. */
  resetAfter: number;
  /** Whole seconds, rounded up as kumod does; `null` means "go ahead" (kumod's `None`). */
  retryAfter: number | null;
}

/** kumod: `whole_seconds() + (subsec_milliseconds() > 0 ? 1 : 0)`; sub-millisecond remainders are dropped. */
export function roundUpSeconds(ns: number): number {
  const whole = Math.trunc(ns / NS_PER_S);
  const subMs = Math.trunc((ns - whole * NS_PER_S) / NS_PER_MS);
  return subMs > 0 ? whole + 1 : whole;
}

/** The emission interval `T` in ns: `(period_ns as f64 / limit as f64) as i64`. */
export function emissionIntervalNs(limit: number, periodSec: number): number {
  if (limit === 0 || periodSec === 0) return 0;
  return Math.trunc((periodSec * NS_PER_S) / limit);
}

/** The burst kumod's local backend uses: `min(max_burst ?? limit, limit - 1)`. */
export function localBurst(spec: ThrottleSpec): number {
  return Math.min(spec.maxBurst ?? spec.limit, spec.limit - 1);
}

/**
 * One GCRA key (one theoretical arrival time), with its interval and tolerance precomputed.
 * The hot path of the simulator holds these directly instead of looking a key up per message.
 */
export class GcraCell {
  /** Theoretical arrival time in ns of the virtual clock; -1 = never used (kumod: key absent). */
  tatNs = -1;
  readonly intervalNs: number;
  readonly toleranceNs: number;
  readonly limit: number;

  /** `burst` overrides the local clamp (redis-cell passes `max_burst` through unclamped). */
  constructor(spec: ThrottleSpec, burst: number = localBurst(spec)) {
    this.intervalNs = emissionIntervalNs(spec.limit, spec.period);
    if (this.intervalNs === 0) throw new Error('Zero rates are not supported');
    this.toleranceNs = this.intervalNs * (burst + 1);
    this.limit = burst + 1;
  }

  /** Full result for one request of `quantity` (default 1) at `nowNs`. */
  check(nowNs: number, quantity = 1): ThrottleResult {
    const T = this.intervalNs;
    const tau = this.toleranceNs;
    const increment = T * quantity;
    const tat = this.tatNs < 0 ? nowNs : this.tatNs;
    const newTat = nowNs > tat ? nowNs + increment : tat + increment;
    const diff = nowNs - (newTat - tau);
    let retryNs = -NS_PER_S; // redis-cell starts retry_after at -1s, i.e. "none"
    let ttl: number;
    let throttled: boolean;
    if (diff < 0) {
      if (increment <= tau) retryNs = -diff;
      throttled = true;
      ttl = tat - nowNs;
    } else {
      throttled = false;
      ttl = newTat - nowNs;
      this.tatNs = newTat;
    }
    let remaining = 0;
    const next = tau - ttl;
    if (next > -T) {
      const tus = Math.trunc(T / 1000);
      remaining = tus === 0 ? 0 : Math.trunc(Math.trunc(next / 1000) / tus);
    }
    const retry = roundUpSeconds(retryNs);
    return {
      throttled,
      limit: this.limit,
      remaining,
      resetAfter: Math.max(0, roundUpSeconds(ttl)),
      retryAfter: retry <= 0 ? null : retry,
    };
  }

  /**
   * Only the retry-after in whole seconds, or 0 when allowed (kumod callers look at nothing else).
   * Allocation-free, for the simulator's hot loop. Same state changes as `check`.
   */
  retryAfterSec(nowNs: number): number {
    const T = this.intervalNs;
    const tat = this.tatNs < 0 ? nowNs : this.tatNs;
    const newTat = nowNs > tat ? nowNs + T : tat + T;
    const diff = nowNs - (newTat - this.toleranceNs);
    if (diff < 0) {
      if (T > this.toleranceNs) return 0; // kumod: retry_after None
      const r = roundUpSeconds(-diff);
      return r <= 0 ? 0 : r;
    }
    this.tatNs = newTat;
    return 0;
  }
}

/** kumod's throttle key: `{key}:{limit}:{max_burst}:{period}`, burst defaulting to limit (crates/throttle/src/lib.rs). */
export function throttleStoreKey(key: string, spec: ThrottleSpec): string {
  return `${key}:${spec.limit}:${spec.maxBurst ?? spec.limit}:${spec.period}`;
}

/**
 * The in-memory store: one cell per full key. Like kumod's MemoryStore it never evicts. Two specs that
 * differ in limit, burst or period never share state, because the spec is part of the key.
 */
export class ThrottleStore {
  private readonly cells = new Map<string, GcraCell>();

  cell(key: string, spec: ThrottleSpec): GcraCell {
    const full = throttleStoreKey(key, spec);
    let c = this.cells.get(full);
    if (c === undefined) {
      c = new GcraCell(spec);
      this.cells.set(full, c);
    }
    return c;
  }

  throttle(key: string, spec: ThrottleSpec, nowNs: number, quantity = 1): ThrottleResult {
    return this.cell(key, spec).check(nowNs, quantity);
  }

  get size(): number {
    return this.cells.size;
  }
}

/** kumod's canonical text form (`ThrottleSpec::as_string`). */
export function throttleSpecToString(spec: ThrottleSpec): string {
  const unit = spec.period === 86400 ? 'd' : spec.period === 3600 ? 'h' : spec.period === 60 ? 'm' : spec.period === 1 ? 's' : null;
  const period = unit ?? `${spec.period}s`;
  const burst = spec.maxBurst === undefined ? '' : `,max_burst=${spec.maxBurst}`;
  return `${spec.forceLocal ? 'local:' : ''}${spec.limit}/${period}${burst}`;
}

/** The sort key kumod uses to check several throttles tightest first: `((limit / period) * 1e6) as u64`. */
export function rateSortKey(spec: ThrottleSpec): number {
  const v = (spec.limit / spec.period) * 1_000_000;
  return Number.isFinite(v) ? Math.max(0, Math.trunc(v)) : Number.MAX_SAFE_INTEGER;
}
