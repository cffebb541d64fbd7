/**
 * `Throttle:explain()`: kumod's `explain_throttle` (crates/kumod/src/mod_kumo.rs), byte for byte. f64 arithmetic in
 * kumod's order; the interval is `Duration::from_secs_f64(period / max(limit, 1))` shown by humantime; a rate
 * below 1 is printed with `{:.3}` (ties to even), others rounded up with en-locale thousands separators.
 */
import type { ThrottleSpec } from '../../values/types';
import { durationFromSecsF64, humantimeFormat } from '../../values/duration';
import { formatThrottle, throttleBurst } from '../../values/throttle';

const USIZE_MAX = (1n << 64n) - 1n;

/** Rust `format!("{n:.3}")` for 0 <= n < 1: correctly rounded, exact ties to even. */
function fixed3(n: number): string {
  const twice = n * 2000;
  if (Number.isInteger(twice) && twice % 2 === 1) {
    const k = Math.floor(n * 1000);
    return ((k % 2 === 0 ? k : k + 1) / 1000).toFixed(3);
  }
  return n.toFixed(3);
}

/** `(n.ceil() as usize).to_formatted_string(&Locale::en)`: `as` saturates, NaN becomes 0. */
function ceilGrouped(n: number): string {
  const c = Math.ceil(n);
  const v = Number.isNaN(c) ? 0n : c >= 2 ** 64 ? USIZE_MAX : BigInt(c);
  return v.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function number(n: number): string {
  return n < 1 ? fixed3(n) : ceilGrouped(n);
}

function rates(perSecond: number): string {
  const perMinute = perSecond * 60;
  const perHour = perMinute * 60;
  const perDay = perHour * 24;
  return `${number(perSecond)}/s, ${number(perMinute)}/m, ${number(perHour)}/h, ${number(perDay)}/d`;
}

export function explainThrottle(spec: ThrottleSpec): string {
  const burst = throttleBurst(spec);
  const interval = durationFromSecsF64(spec.period / Math.max(spec.limit, 1)) ?? { secs: 0n, nanos: 0n };
  const intervalSecs = Number(interval.secs) + Number(interval.nanos) / 1e9;
  const specRate = spec.limit / spec.period;
  const burstRate = burst / intervalSecs;
  return `${formatThrottle(spec)}\n${spec.maxBurst === undefined ? 'implied' : 'explicit'} burst rate ` +
    `${burst} every ${humantimeFormat(interval.secs, Number(interval.nanos))}, or: ${rates(burstRate)} in that period.\n` +
    `overall rate ${rates(specRate)}`;
}
