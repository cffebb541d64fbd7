/**
 * The two Redis-backed variants of kumod's throttle, for comparing with the default local one.
 *
 * Sources: KumoCorp/kumomta crates/throttle/src/throttle.rs (`throttle` backend choice,
 * `redis_cell_throttle`, `redis_script_throttle` and its GCRA Lua script adapted from Losant/redis-gcra),
 * wez/redis-cell redis-cell/src/lib.rs (`CL.THROTTLE`: the same GCRA with `max_burst` passed unclamped).
 */
import type { ThrottleSpec } from '../../values/types';
import { GcraCell, type ThrottleResult } from './gcra';

export type ThrottleBackend = 'local' | 'redis-cell' | 'redis-script';

/** Which backend kumod uses: local unless Redis is configured and the spec is not `local:`. */
export function backendFor(spec: ThrottleSpec, redis: 'none' | 'redis-cell' | 'plain'): ThrottleBackend {
  if (spec.forceLocal || redis === 'none') return 'local';
  return redis === 'redis-cell' ? 'redis-cell' : 'redis-script';
}

/** What one throttle key needs: a decision at a virtual time. */
export interface ThrottleCell {
  check(nowNs: number, quantity?: number): ThrottleResult;
  /** Whole seconds to wait, or 0 to proceed. */
  retryAfterSec(nowNs: number): number;
}

/**
 * `CL.THROTTLE key max_burst limit period qty`: redis-cell's GCRA with `max_burst` unclamped (default
 * `limit`), so `limit + 1` requests pass back to back by default; same rounding as local.
 */
export class RedisCellGcra extends GcraCell {
  constructor(spec: ThrottleSpec) {
    super(spec, spec.maxBurst ?? spec.limit);
  }
}

/**
 * The GCRA Lua script kumod runs when Redis lacks `CL.THROTTLE`: floating-point seconds, Redis `TIME`
 * truncated to whole seconds, tolerance `interval * max_burst` (so exactly `max_burst` pass at once),
 * retry-after `ceil(-diff)`.
 */
export class RedisScriptGcra implements ThrottleCell {
  /** Stored TAT in seconds, or null when the key is absent. */
  tat: number | null = null;
  /** TTL of the stored key (Redis `EX`), absolute seconds. */
  private expiresAt = 0;
  private readonly interval: number;
  private readonly burstOffset: number;
  private readonly maxBurst: number;

  constructor(spec: ThrottleSpec) {
    this.maxBurst = spec.maxBurst ?? spec.limit;
    this.interval = spec.period / spec.limit;
    this.burstOffset = this.interval * this.maxBurst;
  }

  check(nowNs: number, quantity = 1): ThrottleResult {
    const now = Math.floor(nowNs / 1e9);
    if (this.tat !== null && now >= this.expiresAt) this.tat = null;
    const increment = this.interval * quantity;
    const tat = Math.max(this.tat ?? now, now);
    const newTat = tat + increment;
    const diff = now - (newTat - this.burstOffset);
    let remaining = Math.floor(diff / this.interval);
    const limit = this.maxBurst + 1;
    if (remaining < 0) {
      remaining = Math.floor((now - (tat - this.burstOffset)) / this.interval);
      const retry = Math.ceil(-diff);
      return { throttled: true, limit, remaining: Math.max(0, remaining), resetAfter: Math.ceil(tat - now), retryAfter: retry === 0 ? null : retry };
    }
    if (remaining === 0 && increment <= 0) {
      return { throttled: true, limit, remaining: 0, resetAfter: Math.ceil(tat - now), retryAfter: null };
    }
    const resetAfter = Math.ceil(newTat - now);
    this.tat = newTat;
    this.expiresAt = now + resetAfter;
    return { throttled: false, limit, remaining, resetAfter, retryAfter: null };
  }

  retryAfterSec(nowNs: number): number {
    return this.check(nowNs).retryAfter ?? 0;
  }
}

export function makeThrottleCell(spec: ThrottleSpec, backend: ThrottleBackend = 'local'): ThrottleCell {
  switch (backend) {
    case 'local':
      return new GcraCell(spec);
    case 'redis-cell':
      return new RedisCellGcra(spec);
    case 'redis-script':
      return new RedisScriptGcra(spec);
  }
}
