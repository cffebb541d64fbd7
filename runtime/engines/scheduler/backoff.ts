/**
 * Retry delays, jitter and expiry, as kumod computes them.
 *
 * Sources (KumoCorp/kumomta): crates/kumod/src/queue/config.rs (`delay_for_attempt`),
 * crates/kumod/src/queue/queue.rs (`increment_attempts_and_update_delay`, `requeue_message_internal`),
 * crates/message/src/message.rs (`delay_with_jitter`, `delay_by_and_jitter`).
 */
import type { QueueConfig } from './config';
import type { Rng } from './rng';

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
/** chrono's limit on seconds (`i64::MAX / 1000`). */
export const MAX_CHRONO_SECONDS = 9_223_372_036_854_775;

/**
 * `delay_for_attempt`: `retry_interval * 2^attempt` (u64, saturating), capped by `max_retry_interval`,
 * then `(delay as i64).min(MAX_CHRONO_SECONDS)`, in whole seconds. `attempt` is 0-based (the count
 * before the increment). A product beyond i64::MAX wraps negative in that cast, as in kumod; only
 * reachable with no `max_retry_interval` and around 50+ attempts.
 */
export function delayForAttempt(retryIntervalSec: number, maxRetryIntervalSec: number | null, attempt: number): number {
  const ri = Math.floor(retryIntervalSec);
  const quick = ri * 2 ** attempt;
  if (quick <= Number.MAX_SAFE_INTEGER) {
    const d = maxRetryIntervalSec === null ? quick : Math.min(quick, Math.floor(maxRetryIntervalSec));
    return Math.min(d, MAX_CHRONO_SECONDS);
  }
  const pow = attempt >= 64 ? U64_MAX : 1n << BigInt(attempt);
  let d = BigInt(ri) * pow;
  if (d > U64_MAX) d = U64_MAX;
  if (maxRetryIntervalSec !== null) {
    const lim = BigInt(Math.floor(maxRetryIntervalSec));
    if (lim < d) d = lim;
  }
  const asI64 = d > I64_MAX ? d - (1n << 64n) : d; // `as i64` wraps
  const capped = asI64 < BigInt(MAX_CHRONO_SECONDS) ? asI64 : BigInt(MAX_CHRONO_SECONDS);
  return Number(capped);
}

const f = Math.fround;

/** Jitter magnitude: `min(retry_interval_secs_f32 / 20, 60)` (f32), from the base interval, not the scaled delay. */
export function jitterMagnitude(retryIntervalSec: number): number {
  return Math.min(f(f(retryIntervalSec) / 20), 60);
}

/** Whole seconds of jitter from one `rand::random::<f32>()` draw: `(r * mag - mag/2) as i64`. */
export function jitterSeconds(retryIntervalSec: number, r: number): number {
  const mag = jitterMagnitude(retryIntervalSec);
  return Math.trunc(f(f(f(r) * mag) - f(mag / 2))) + 0; // + 0 turns -0 into 0
}

/** Bounds of the whole-second jitter for a retry interval: [min, max] inclusive. */
export function jitterBounds(retryIntervalSec: number): [number, number] {
  return [jitterSeconds(retryIntervalSec, 0), jitterSeconds(retryIntervalSec, 0.99999994)];
}

export interface RetryDecision {
  /** Delay in whole seconds from now (base delay plus jitter). */
  delaySec: number;
  /** Attempts after the increment. */
  attempts: number;
  /** kumod logs Expiration and removes the message instead of delaying it. */
  expired: boolean;
}

/**
 * `increment_attempts_and_update_delay` with queue-based expiry: delay from the attempt count before the
 * increment, plus jitter; expired when `age + delay > max_age` (strict). With a per-message
 * `set_scheduling` expiry (`expiresAtMs`), expired when `next_due >= expires`.
 */
export function retryAfterTransientFailure(
  cfg: Pick<QueueConfig, 'retryInterval' | 'maxRetryInterval' | 'maxAge'>,
  attemptsBefore: number,
  ageMs: number,
  rng: Rng,
  nowMs = 0,
  expiresAtMs: number | null = null,
): RetryDecision {
  const base = delayForAttempt(cfg.retryInterval, cfg.maxRetryInterval, attemptsBefore);
  const delaySec = base + jitterSeconds(cfg.retryInterval, rng.f32());
  const attempts = Math.min(attemptsBefore + 1, 65535);
  const expired = expiresAtMs !== null ? nowMs + delaySec * 1000 >= expiresAtMs : ageMs + delaySec * 1000 > cfg.maxAge * 1000;
  return { delaySec, attempts, expired };
}

/** Requeue without an attempt increment (throttles, ready queue throttled): expired when `age(due) >= max_age`. */
export function expiresOnRequeue(createdMs: number, dueMs: number, maxAgeSec: number): boolean {
  return dueMs - createdMs >= maxAgeSec * 1000;
}

/** `delay_with_jitter(limit)`: `(rand_f32 * limit) as i64` seconds, i.e. 0..limit-1 (used for full ready queues with 60). */
export function delayWithJitter(limitSec: number, rng: Rng): number {
  return Math.trunc(f(rng.f32() * f(limitSec)));
}

/** `delay_by_and_jitter(d)`: `d` plus 0..59 s. */
export function delayByAndJitter(delaySec: number, rng: Rng): number {
  return delaySec + Math.trunc(f(rng.f32() * 60));
}

export interface ScheduledAttempt {
  attempt: number;
  /** Seconds after creation at which this attempt happens (ignoring strategy tick granularity and delivery time). */
  atSec: number;
  delaySec: number;
}

/**
 * The retry schedule of a message that fails transiently on every attempt, from creation until it
 * expires: the first attempt at 0, then each retry. Jitter drawn from `rng`.
 */
export function retrySchedule(cfg: Pick<QueueConfig, 'retryInterval' | 'maxRetryInterval' | 'maxAge'>, rng: Rng, maxAttempts = 1000): { attempts: ScheduledAttempt[]; expiredAtSec: number | null } {
  const out: ScheduledAttempt[] = [{ attempt: 0, atSec: 0, delaySec: 0 }];
  let t = 0;
  for (let n = 0; n < maxAttempts; n++) {
    const d = retryAfterTransientFailure(cfg, n, t * 1000, rng);
    if (d.expired) return { attempts: out, expiredAtSec: t };
    t += d.delaySec;
    out.push({ attempt: n + 1, atSec: t, delaySec: d.delaySec });
  }
  return { attempts: out, expiredAtSec: null };
}

/**
 * Allocation-free twin of `retryAfterTransientFailure` for simulation hot loops: the delay in whole
 * seconds (base for the 0-based `attemptsBefore`, plus one jitter draw). The caller increments the
 * attempt count and checks expiry (`ageMs + delay*1000 > maxAge*1000`).
 */
export function retryDelaySec(retryIntervalSec: number, maxRetryIntervalSec: number | null, attemptsBefore: number, rng: Rng): number {
  return delayForAttempt(retryIntervalSec, maxRetryIntervalSec, attemptsBefore) + jitterSeconds(retryIntervalSec, rng.f32());
}
