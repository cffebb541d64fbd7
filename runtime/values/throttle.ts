/**
 * Throttle specs, `[local:]LIMIT/[N]UNIT[,max_burst=B]`, as kumod's `ThrottleSpec::try_from(&str)`
 * (crates/throttle/src/lib.rs) reads them. The steps, and so the order in which errors are found:
 *   1. strip a leading `local:` (exact, case-sensitive);
 *   2. split at the FIRST `,max_burst=`: the rest is the burst, with `_`/`,` removed, as u64
 *      (no `> 0` check: `max_burst=0` is accepted);
 *   3. split at the first `/`;
 *   4. the period: optional ASCII digits (a multiplier, default 1, `0` allowed) then exactly one of
 *      h hr hour / m min minute / s sec second / d day. No plurals, no weeks, no upper case, no
 *      whitespace trimming anywhere. The multiplication wraps in release builds (no overflow check);
 *   5. the limit: `_`/`,` removed, Rust u64 parse (a leading `+` is accepted), must be > 0.
 * Throttles are deserialized from strings only; a Lua number is a type error.
 */
import { INT_ERROR_TEXT, isSafe, parseRustUnsigned, U64_MAX } from './rust';
import { didYouMean } from './enum-value';
import type { ParseResult, ThrottleSpec, ValueError, ValueWarning } from './types';

/** Period units accepted by kumod's throttle parser, in seconds. */
export const THROTTLE_UNITS: Readonly<Record<string, number>> = Object.freeze({
  h: 3600,
  hr: 3600,
  hour: 3600,
  m: 60,
  min: 60,
  minute: 60,
  s: 1,
  sec: 1,
  second: 1,
  d: 86400,
  day: 86400,
});

const BURST_MARK = ',max_burst=';

/** `_` and `,` removed, then Rust's u64 parse; `at` maps back into the original text. */
function parseSeparated(text: string): { ok: true; value: bigint } | { ok: false; message: string; at?: number } {
  const kept: number[] = [];
  let cleaned = '';
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (c === '_' || c === ',') continue;
    kept.push(k);
    cleaned += c;
  }
  const r = parseRustUnsigned(cleaned, U64_MAX);
  if (r.ok) return r;
  return { ok: false, message: r.message, ...(r.at !== undefined ? { at: kept[r.at] } : {}) };
}

/** Hints for common mistakes in the period unit. */
function unitHint(unit: string): string | undefined {
  if (unit.length === 0) return 'add a unit: s, m, h or d';
  if (/^\s|\s$/.test(unit)) return 'whitespace is not allowed in a throttle';
  const lower = unit.toLowerCase();
  if (Object.prototype.hasOwnProperty.call(THROTTLE_UNITS, lower)) return `units are case-sensitive: write "${lower}"`;
  const singular = unit.replace(/s$/, '');
  if (singular !== unit && Object.prototype.hasOwnProperty.call(THROTTLE_UNITS, singular)) {
    return `plural units are not accepted: write "${singular}"`;
  }
  if (/^(w|wk|wks|week|weeks)$/i.test(unit)) return 'weeks are not accepted: use "7d"';
  if (/^(ms|msec|millis|ns|us)$/.test(unit)) return 'sub-second periods are not accepted';
  const guess = didYouMean(unit, Object.keys(THROTTLE_UNITS));
  return guess !== undefined ? `did you mean "${guess}"?` : 'units are s/sec/second, m/min/minute, h/hr/hour, d/day';
}

/** Parses a throttle spec exactly as kumod does. Spans point into `text`. */
export function parseThrottle(text: string): ParseResult<ThrottleSpec> {
  const fail = (e: ValueError): ParseResult<ThrottleSpec> => ({ ok: false, error: e });
  const warnings: ValueWarning[] = [];
  let base = 0;
  let s = text;
  const forceLocal = s.startsWith('local:');
  if (forceLocal) {
    base = 6;
    s = s.slice(6);
  }

  let maxBurst: bigint | undefined;
  const burstAt = s.indexOf(BURST_MARK);
  if (burstAt >= 0) {
    const burstText = s.slice(burstAt + BURST_MARK.length);
    const burstBase = base + burstAt + BURST_MARK.length;
    const r = parseSeparated(burstText);
    if (!r.ok) {
      const message = `invalid limit '${burstText}': ${r.message}`;
      const hint =
        burstText.includes(BURST_MARK.slice(1))
          ? 'max_burst may be given only once'
          : r.message === INT_ERROR_TEXT.empty
            ? 'write a number after max_burst='
            : 'max_burst takes a whole number, e.g. ",max_burst=10" (no spaces)';
      const pinpoint = r.at !== undefined && r.message === INT_ERROR_TEXT['invalid-digit'] && /[0-9]/.test(burstText);
      const start = burstText === '' ? burstBase - BURST_MARK.length : pinpoint ? burstBase + r.at! : burstBase;
      const end = pinpoint ? start + 1 : text.length;
      return fail({ message, start, end, hint });
    }
    maxBurst = r.value;
    s = s.slice(0, burstAt);
  }

  const slash = s.indexOf('/');
  if (slash < 0) {
    const hasBurstLike = /max_burst/i.test(s);
    return fail({
      message: `expected 'limit/period', got ${s}`,
      start: base,
      end: base + s.length,
      hint: hasBurstLike ? 'write the burst as ",max_burst=N" after the period' : 'write LIMIT/PERIOD, e.g. "100/h" or "10/s"',
    });
  }
  const limitText = s.slice(0, slash);
  const periodText = s.slice(slash + 1);
  const periodBase = base + slash + 1;

  // The optional multiplier: a run of ASCII digits, then the unit.
  let k = 0;
  let scale: bigint | undefined;
  while (k < periodText.length) {
    const code = periodText.charCodeAt(k);
    if (code < 48 || code > 57) break;
    scale = (scale ?? 0n) * 10n + BigInt(code - 48);
    if (scale > U64_MAX) {
      return fail({ message: 'number too big', start: periodBase, end: periodBase + k + 1, hint: 'the period multiplier must fit in 64 bits' });
    }
    k++;
  }
  if (k === periodText.length) {
    return fail({
      message: `invalid period quantity ${periodText}`,
      start: periodText === '' ? periodBase - 1 : periodBase,
      end: periodBase + periodText.length,
      hint: periodText === '' ? 'add a period unit after "/", e.g. "/h"' : `add a unit after the number, e.g. "${periodText}m"`,
    });
  }
  const unit = periodText.slice(k);
  if (!Object.prototype.hasOwnProperty.call(THROTTLE_UNITS, unit)) {
    const hint = unitHint(unit);
    return fail({
      message: `unknown period quantity ${unit}`,
      start: periodBase + k,
      end: periodBase + periodText.length,
      ...(hint !== undefined ? { hint } : {}),
    });
  }
  const rawPeriod = BigInt(THROTTLE_UNITS[unit]) * (scale ?? 1n);
  // Release builds of kumod multiply without overflow checks: the period wraps around 2^64.
  const period = rawPeriod & U64_MAX;
  if (period !== rawPeriod) {
    warnings.push({
      code: 'throttle-period-overflow',
      message: `the period overflows 64 bits; kumod silently wraps it to ${period} s`,
      start: periodBase,
      end: periodBase + periodText.length,
    });
  }
  if (period === 0n) {
    warnings.push({
      code: 'throttle-zero-period',
      message: 'a zero period is accepted by kumod but makes the throttle meaningless',
      start: periodBase,
      end: periodBase + periodText.length,
    });
  }

  const limitR = parseSeparated(limitText);
  if (!limitR.ok) {
    // Point at the bad character when the limit is mostly a number (`1O0`, `10 `), else at all of it.
    const pinpoint = limitR.at !== undefined && limitR.message === INT_ERROR_TEXT['invalid-digit'] && /[0-9]/.test(limitText);
    const start = pinpoint ? base + limitR.at! : base;
    const end = pinpoint ? start + 1 : base + limitText.length;
    let hint: string | undefined;
    if (limitText === '') hint = 'write the limit before "/", e.g. "100/h"';
    else if (/\s/.test(limitText)) hint = 'whitespace is not allowed in a throttle';
    else if (/^local:/i.test(limitText) || /^[a-z]+:/i.test(limitText)) hint = 'the only prefix is "local:" (lower case, once)';
    else if (limitR.message === INT_ERROR_TEXT['invalid-digit']) hint = 'the limit must be a whole number; "_" and "," may separate digits';
    return fail({
      message: `invalid limit '${limitText}': ${limitR.message}`,
      start: limitText === '' ? base : start,
      end: limitText === '' ? base + 1 : end,
      ...(hint !== undefined ? { hint } : {}),
    });
  }
  if (limitR.value === 0n) {
    return fail({
      message: `invalid ThrottleSpec \`${s}\`: limit must be greater than 0!`,
      start: base,
      end: base + limitText.length,
      hint: 'to block traffic entirely use a tiny rate such as "1/d", or suspend the queue',
    });
  }
  if (maxBurst === 0n) {
    warnings.push({
      code: 'throttle-zero-burst',
      message: 'max_burst=0 is accepted by kumod; its effect differs between the local, redis-cell and Lua-script throttle backends',
      start: base + burstAt + 1,
      end: text.length,
    });
  }
  for (const [name, v] of [
    ['limit', limitR.value],
    ['period', period],
    ['max_burst', maxBurst],
  ] as const) {
    if (v !== undefined && !isSafe(v)) {
      warnings.push({ code: 'throttle-precision', message: `the ${name} is above 2^53 and is approximated here`, start: 0, end: text.length });
    }
  }
  const spec: ThrottleSpec = {
    limit: Number(limitR.value),
    period: Number(period),
    forceLocal,
    ...(maxBurst !== undefined ? { maxBurst: Number(maxBurst) } : {}),
  };
  return warnings.length > 0 ? { ok: true, value: spec, warnings } : { ok: true, value: spec };
}

/** kumod's canonical Display form (`ThrottleSpec::as_string`): `local:100/h`, `100/7380s`, `50/d,max_burst=1`. */
export function formatThrottle(spec: ThrottleSpec): string {
  const unit = spec.period === 86400 ? 'd' : spec.period === 3600 ? 'h' : spec.period === 60 ? 'm' : spec.period === 1 ? 's' : `${spec.period}s`;
  const burst = spec.maxBurst !== undefined ? `,max_burst=${spec.maxBurst}` : '';
  return `${spec.forceLocal ? 'local:' : ''}${spec.limit}/${unit}${burst}`;
}

/** kumod's `ThrottleSpec::interval()`: seconds between emissions, `period / max(limit, 1)`. */
export function throttleInterval(spec: ThrottleSpec): number {
  return spec.period / Math.max(spec.limit, 1);
}

/** kumod's `ThrottleSpec::burst()`: max_burst, defaulting to the limit. */
export function throttleBurst(spec: ThrottleSpec): number {
  return spec.maxBurst ?? spec.limit;
}

function periodWords(period: number): string {
  if (period === 1) return 'second';
  if (period === 60) return 'minute';
  if (period === 3600) return 'hour';
  if (period === 86400) return 'day';
  if (period % 86400 === 0) return `${period / 86400} days`;
  if (period % 3600 === 0) return `${period / 3600} hours`;
  if (period % 60 === 0) return `${period / 60} minutes`;
  return `${period} seconds`;
}

function secondsWords(s: number): string {
  if (s >= 1) return `${+s.toFixed(3)} s`;
  return `${+(s * 1000).toFixed(3)} ms`;
}

/** Hover text, e.g. `1000 per hour (one every 3.6 s), bursts of up to 1000; local to this process`. */
export function describeThrottle(spec: ThrottleSpec): string {
  const parts = [`${spec.limit} per ${periodWords(spec.period)}`];
  if (spec.period > 0) parts[0] += ` (one every ${secondsWords(throttleInterval(spec))})`;
  parts.push(spec.maxBurst !== undefined ? `max_burst ${spec.maxBurst}` : `bursts of up to ${spec.limit}`);
  if (spec.forceLocal) parts.push('always throttled in this process, even with Redis throttles configured');
  return parts.join(', ');
}

/** A throttle value from Lua: only strings are accepted (`serde(try_from = "String")`). */
export function throttleFromLua(value: string | number | bigint): ParseResult<ThrottleSpec> {
  if (typeof value === 'string') return parseThrottle(value);
  const shown = typeof value === 'number' && !Number.isInteger(value) ? String(value) : String(value);
  return {
    ok: false,
    error: {
      message: `invalid type: ${typeof value === 'number' && !Number.isInteger(value) ? `floating point \`${shown}\`` : `integer \`${shown}\``}, expected a string`,
      start: 0,
      end: shown.length,
      hint: 'a throttle is a string such as "100/h"',
    },
  };
}
