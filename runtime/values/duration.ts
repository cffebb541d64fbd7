/**
 * Durations as kumod reads them.
 *
 * Strings go through humantime 2.4.0's `parse_duration` (the version pinned in kumomta's Cargo.lock);
 * numbers go through kumomta's `duration_serde` (integer seconds, or float fractional seconds).
 * The parser below follows humantime's hand-written scanner step by step, because its accepted
 * language has corners that a tidy grammar would get wrong:
 *   - whitespace is skipped *inside* numbers and fractions: `1 2h` is 12 hours, `1. 5s` is 1.5 s;
 *   - the exact string `"0"` is zero, but `" 0"`, `"00"` and `"10"` need a unit;
 *   - a fraction on a nanosecond unit is always an overflow error, even `1.0ns`;
 *   - fractional hours/days/weeks/months/years must come out as whole seconds
 *     (`0.001h` = 3.6 s is rejected), minutes and smaller must come out as whole nanoseconds;
 *   - units are case-sensitive; `M` is months (2,630,016 s) while `m` is minutes;
 *   - only ASCII letters and `µ` (U+00B5) may form a unit; any other character is an error.
 */
import { isLuaInteger, isRustWhitespace, rustDebugString, scalars, U64_MAX, type CharPos } from './rust';
import { didYouMean } from './enum-value';
import type { ParseResult, ValueWarning } from './types';

/** A parsed duration: exact `secs` + `nanos` (Rust's `Duration`), and a float for convenience. */
export interface DurationValue {
  /** Total seconds as a float (may round for very large or very precise values). */
  seconds: number;
  /** Whole seconds, exact (u64). */
  secs: bigint;
  /** Sub-second nanoseconds, 0..999_999_999. */
  nanos: number;
}

/** humantime 2.4.0's unit spellings (case-sensitive) with their length in seconds. */
export const DURATION_UNITS: Readonly<Record<string, { unit: DurationUnit; seconds: number }>> = Object.freeze({
  nanos: { unit: 'nanosecond', seconds: 1e-9 },
  nsec: { unit: 'nanosecond', seconds: 1e-9 },
  ns: { unit: 'nanosecond', seconds: 1e-9 },
  usec: { unit: 'microsecond', seconds: 1e-6 },
  us: { unit: 'microsecond', seconds: 1e-6 },
  '\u00b5s': { unit: 'microsecond', seconds: 1e-6 },
  millis: { unit: 'millisecond', seconds: 1e-3 },
  msec: { unit: 'millisecond', seconds: 1e-3 },
  ms: { unit: 'millisecond', seconds: 1e-3 },
  seconds: { unit: 'second', seconds: 1 },
  second: { unit: 'second', seconds: 1 },
  secs: { unit: 'second', seconds: 1 },
  sec: { unit: 'second', seconds: 1 },
  s: { unit: 'second', seconds: 1 },
  minutes: { unit: 'minute', seconds: 60 },
  minute: { unit: 'minute', seconds: 60 },
  min: { unit: 'minute', seconds: 60 },
  mins: { unit: 'minute', seconds: 60 },
  m: { unit: 'minute', seconds: 60 },
  hours: { unit: 'hour', seconds: 3600 },
  hour: { unit: 'hour', seconds: 3600 },
  hr: { unit: 'hour', seconds: 3600 },
  hrs: { unit: 'hour', seconds: 3600 },
  h: { unit: 'hour', seconds: 3600 },
  days: { unit: 'day', seconds: 86400 },
  day: { unit: 'day', seconds: 86400 },
  d: { unit: 'day', seconds: 86400 },
  weeks: { unit: 'week', seconds: 604800 },
  week: { unit: 'week', seconds: 604800 },
  wk: { unit: 'week', seconds: 604800 },
  wks: { unit: 'week', seconds: 604800 },
  w: { unit: 'week', seconds: 604800 },
  months: { unit: 'month', seconds: 2630016 },
  month: { unit: 'month', seconds: 2630016 },
  M: { unit: 'month', seconds: 2630016 },
  years: { unit: 'year', seconds: 31557600 },
  year: { unit: 'year', seconds: 31557600 },
  yr: { unit: 'year', seconds: 31557600 },
  yrs: { unit: 'year', seconds: 31557600 },
  y: { unit: 'year', seconds: 31557600 },
});

export type DurationUnit =
  | 'nanosecond'
  | 'microsecond'
  | 'millisecond'
  | 'second'
  | 'minute'
  | 'hour'
  | 'day'
  | 'week'
  | 'month'
  | 'year';

/** 30.44 days, humantime's month. */
export const MONTH_SECONDS = 2_630_016;
/** 365.25 days, humantime's year. */
export const YEAR_SECONDS = 31_557_600;

const BILLION = 1_000_000_000n;

/** Integer part: (whole seconds multiplier, nanosecond multiplier) per unit. */
const INT_SCALE: Record<DurationUnit, { sec: bigint; nsec: bigint }> = {
  nanosecond: { sec: 0n, nsec: 1n },
  microsecond: { sec: 0n, nsec: 1000n },
  millisecond: { sec: 0n, nsec: 1_000_000n },
  second: { sec: 1n, nsec: 0n },
  minute: { sec: 60n, nsec: 0n },
  hour: { sec: 3600n, nsec: 0n },
  day: { sec: 86400n, nsec: 0n },
  week: { sec: 604800n, nsec: 0n },
  month: { sec: 2_630_016n, nsec: 0n },
  year: { sec: 31_557_600n, nsec: 0n },
};

/** Fractional part: it is converted to nanoseconds for minute and below, to seconds above. */
const FRAC_SCALE: Record<DurationUnit, { to: 'nsec' | 'sec'; by: bigint } | null> = {
  nanosecond: null,
  microsecond: { to: 'nsec', by: 1000n },
  millisecond: { to: 'nsec', by: 1_000_000n },
  second: { to: 'nsec', by: 1_000_000_000n },
  minute: { to: 'nsec', by: 60_000_000_000n },
  hour: { to: 'sec', by: 3600n },
  day: { to: 'sec', by: 86400n },
  week: { to: 'sec', by: 604800n },
  month: { to: 'sec', by: 2_630_016n },
  year: { to: 'sec', by: 31_557_600n },
};

const OVERFLOW_TEXT =
  'number is too large or cannot be represented without a lack of precision (values below 1ns are not supported)';
const UNKNOWN_UNIT_TAIL =
  'supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)';

/** A humantime error, positions as scalar indices into the input. */
type HtError =
  | { kind: 'invalid-character'; at: number }
  | { kind: 'number-expected'; at: number; offender: number }
  | { kind: 'unknown-unit'; start: number; end: number; unit: string; value: bigint; numStart: number; numEnd: number }
  | { kind: 'overflow'; start: number; end: number; why: string }
  | { kind: 'empty' };

class HtFail {
  constructor(readonly error: HtError) {}
}

interface Span {
  unit: string;
  start: number;
  end: number;
  numStart: number;
}

const isDigit = (cp: number) => cp >= 48 && cp <= 57;
const isUnitLetter = (cp: number) => (cp >= 97 && cp <= 122) || (cp >= 65 && cp <= 90) || cp === 0xb5;

/** The scanner itself. Throws HtFail; returns the exact total and the units seen. */
function scan(chars: CharPos[]): { secs: bigint; nanos: bigint; spans: Span[]; splitNumbers: Array<[number, number]> } {
  const len = chars.length;
  let i = 0;
  let outSecs = 0n;
  let outNanos = 0n;
  const spans: Span[] = [];
  const splitNumbers: Array<[number, number]> = [];
  let spanStart = 0;

  const overflow = (end: number, why: string): never => {
    throw new HtFail({ kind: 'overflow', start: spanStart, end, why });
  };
  const mul = (a: bigint, b: bigint, end: number, why: string) => {
    const r = a * b;
    if (r > U64_MAX) overflow(end, why);
    return r;
  };
  const exactDiv = (a: bigint, b: bigint, end: number, why: string) => {
    if (a % b !== 0n) overflow(end, why);
    return a / b;
  };

  // parse_first_char: skip whitespace, expect a digit.
  const firstChar = (): bigint | null => {
    const off = i;
    while (i < len) {
      const c = chars[i++];
      if (isDigit(c.cp)) {
        spanStart = i - 1;
        return BigInt(c.cp - 48);
      }
      if (isRustWhitespace(c.cp)) continue;
      throw new HtFail({ kind: 'number-expected', at: off, offender: i - 1 });
    }
    return null;
  };

  const addCurrent = (sec: bigint, nsec: bigint, end: number) => {
    let n = outNanos + nsec;
    if (n > U64_MAX) overflow(end, 'the sum of nanoseconds is too large');
    // humantime 2.4.0 carries only when strictly above one billion; Duration::new then carries
    // exactly one billion itself (and would panic if that overflowed the seconds).
    if (n > BILLION) {
      sec = sec + n / BILLION;
      if (sec > U64_MAX) overflow(end, 'the total is too large');
      n = n % BILLION;
    }
    let s = outSecs + sec;
    if (s > U64_MAX) overflow(end, 'the total is too large');
    if (n === BILLION) {
      s += 1n;
      if (s > U64_MAX) overflow(end, 'the total is too large (humantime 2.4.0 would panic here)');
      n = 0n;
    }
    outSecs = s;
    outNanos = n;
  };

  const parseUnit = (
    n: bigint,
    frac: { num: bigint; den: bigint } | null,
    start: number,
    end: number,
    numEnd: number,
  ) => {
    const unitText = chars
      .slice(start, end)
      .map((c) => c.ch)
      .join('');
    const known = Object.prototype.hasOwnProperty.call(DURATION_UNITS, unitText) ? DURATION_UNITS[unitText] : undefined;
    if (known === undefined) {
      throw new HtFail({ kind: 'unknown-unit', start, end, unit: unitText, value: n, numStart: spanStart, numEnd });
    }
    const unit = known.unit;
    const scale = INT_SCALE[unit];
    const why = `${n} ${unitText} does not fit in 64-bit seconds`;
    const sec = scale.sec === 0n ? 0n : mul(n, scale.sec, end, why);
    const nsec = scale.nsec === 0n ? 0n : mul(n, scale.nsec, end, why);
    addCurrent(sec, nsec, end);
    if (frac !== null) {
      const f = FRAC_SCALE[unit];
      if (f === null) overflow(end, 'fractions of nanoseconds are not supported, not even .0');
      else {
        const whyFrac =
          f.to === 'sec'
            ? `a fraction of ${unit}s must come out as whole seconds`
            : `a fraction of ${unit}s must come out as whole nanoseconds`;
        const v = exactDiv(mul(frac.num, f.by, end, whyFrac), frac.den, end, whyFrac);
        if (f.to === 'sec') addCurrent(v, 0n, end);
        else addCurrent(0n, v, end);
      }
    }
    spans.push({ unit: unitText, start, end, numStart: spanStart });
  };

  // parse_fractional_part: `offRef.v` is the position the caller reports errors at.
  const parseFraction = (offRef: { v: number }) => {
    let num = 0n;
    let den = 1n;
    let zeros = true;
    while (i < len) {
      const c = chars[i++];
      if (c.cp === 48) {
        den *= 10n;
        if (den > U64_MAX) overflow(i, 'too many fraction digits');
        if (!zeros) num *= 10n;
        if (num > U64_MAX) overflow(i, 'too many fraction digits');
      } else if (c.cp >= 49 && c.cp <= 57) {
        zeros = false;
        den *= 10n;
        if (den > U64_MAX) overflow(i, 'too many fraction digits');
        num = num * 10n + BigInt(c.cp - 48);
        if (num > U64_MAX) overflow(i, 'too many fraction digits');
      } else if (isRustWhitespace(c.cp)) {
        // skipped, like whitespace in the integer part
      } else if (isUnitLetter(c.cp)) {
        break;
      } else {
        throw new HtFail({ kind: 'invalid-character', at: offRef.v });
      }
      offRef.v = i;
    }
    if (den === 1n) throw new HtFail({ kind: 'invalid-character', at: offRef.v });
    return { num, den };
  };

  let n = firstChar();
  if (n === null) throw new HtFail({ kind: 'empty' });
  for (;;) {
    let frac: { num: bigint; den: bigint } | null = null;
    const offRef = { v: i };
    let numEnd = i;
    let sawGap = false;
    let split = false;
    // Integer part (whitespace is skipped, even between digits).
    while (i < len) {
      const c = chars[i++];
      if (isDigit(c.cp)) {
        if (sawGap) split = true;
        sawGap = false;
        n = n * 10n + BigInt(c.cp - 48);
        if (n > U64_MAX) overflow(i, 'the number does not fit in 64 bits');
        numEnd = i;
      } else if (isRustWhitespace(c.cp)) {
        sawGap = true;
      } else if (isUnitLetter(c.cp)) {
        break;
      } else if (c.cp === 46 /* . */) {
        frac = parseFraction(offRef);
        numEnd = offRef.v;
        break;
      } else {
        throw new HtFail({ kind: 'invalid-character', at: offRef.v });
      }
      offRef.v = i;
    }
    if (split) splitNumbers.push([spanStart, numEnd]);
    const start = offRef.v;
    let off = i;
    let nextDigit: bigint | null = null;
    // Unit letters.
    while (i < len) {
      const c = chars[i++];
      if (isDigit(c.cp)) {
        nextDigit = BigInt(c.cp - 48);
        break;
      }
      if (isRustWhitespace(c.cp)) break;
      if (!isUnitLetter(c.cp)) throw new HtFail({ kind: 'invalid-character', at: off });
      off = i;
    }
    parseUnit(n, frac, start, off, trimEnd(chars, spanStart, numEnd));
    if (nextDigit !== null) {
      n = nextDigit;
      spanStart = i - 1;
      continue;
    }
    const next = firstChar();
    if (next === null) break;
    n = next;
  }
  return { secs: outSecs, nanos: outNanos, spans, splitNumbers };
}

/** Drops trailing whitespace from a number span (for error positions only). */
function trimEnd(chars: CharPos[], start: number, end: number): number {
  while (end > start && isRustWhitespace(chars[end - 1].cp)) end--;
  return end;
}

/** humantime's own error text (byte offsets, as Rust prints them). */
function humantimeMessage(e: HtError, chars: CharPos[], endByte: number): string {
  const byteAt = (k: number) => (k < chars.length ? chars[k].byte : endByte);
  switch (e.kind) {
    case 'invalid-character':
      return `invalid character at ${byteAt(e.at)}`;
    case 'number-expected':
      return `expected number at ${byteAt(e.at)}`;
    case 'unknown-unit':
      return e.unit === ''
        ? `time unit needed, for example ${e.value}sec or ${e.value}ms`
        : `unknown time unit ${rustDebugString(e.unit)}, ${UNKNOWN_UNIT_TAIL}`;
    case 'overflow':
      return OVERFLOW_TEXT;
    case 'empty':
      return 'value was empty';
  }
}

const UNIT_NAMES = Object.keys(DURATION_UNITS);

/**
 * Parses a humantime duration string exactly as kumod (humantime 2.4.0) does.
 * Errors carry humantime's own text as `message` and point `start`/`end` at the offending part.
 */
export function parseDuration(text: string): ParseResult<DurationValue> {
  if (text === '0') return { ok: true, value: { seconds: 0, secs: 0n, nanos: 0 } };
  const { chars, endU16, endByte } = scalars(text);
  const u16 = (k: number) => (k < chars.length ? chars[k].u16 : endU16);
  let result: ReturnType<typeof scan>;
  try {
    result = scan(chars);
  } catch (err) {
    if (!(err instanceof HtFail)) throw err;
    const e = err.error;
    const message = humantimeMessage(e, chars, endByte);
    const kumodMessage = `invalid value: string ${rustDebugString(text)}, expected a duration`;
    switch (e.kind) {
      case 'empty':
        return { ok: false, error: { message, kumodMessage, start: 0, end: endU16, hint: 'write a number and a unit, e.g. "30s" or "5 minutes"' } };
      case 'invalid-character': {
        const c = chars[e.at];
        let hint: string | undefined;
        if (c === undefined || c.ch === '.') hint = 'a decimal point must be followed by digits, e.g. "1.5h"';
        else if (c.ch === ',' || c.ch === ';' || c.ch === '+') hint = 'separate the parts with spaces, e.g. "1h 30m"';
        else if (c.ch === '-') hint = 'durations cannot be negative';
        else if (c.cp > 0x7f) hint = 'only ASCII letters (and µ) may form a unit';
        return {
          ok: false,
          error: { message, kumodMessage, start: u16(e.at), end: u16(e.at + 1), ...(hint ? { hint } : {}) },
        };
      }
      case 'number-expected': {
        // Cover the whole word that stands where a number should be.
        let end = e.offender + 1;
        while (end < chars.length && isUnitLetter(chars[end].cp) && isUnitLetter(chars[e.offender].cp)) end++;
        const c = chars[e.offender];
        const hint =
          c.ch === '-'
            ? 'durations cannot be negative'
            : c.ch === '.'
              ? 'write a leading zero, e.g. "0.5s"'
              : isUnitLetter(c.cp)
                ? 'every unit needs a number before it (units must not be split into words)'
                : undefined;
        return { ok: false, error: { message, kumodMessage, start: u16(e.offender), end: u16(end), ...(hint ? { hint } : {}) } };
      }
      case 'unknown-unit': {
        if (e.unit === '') {
          return {
            ok: false,
            error: {
              message,
              kumodMessage,
              start: u16(e.numStart),
              end: u16(e.numEnd),
              hint: `add a unit, e.g. "${e.value}s" or "${e.value}min"`,
            },
          };
        }
        const guess = didYouMean(e.unit, UNIT_NAMES);
        let hint: string | undefined;
        if (guess !== undefined) {
          hint =
            guess.toLowerCase() === e.unit.toLowerCase()
              ? `units are case-sensitive: did you mean "${guess}"?`
              : `did you mean "${guess}"?`;
        }
        return { ok: false, error: { message, kumodMessage, start: u16(e.start), end: u16(e.end), ...(hint ? { hint } : {}) } };
      }
      case 'overflow':
        return { ok: false, error: { message, kumodMessage, start: u16(e.start), end: u16(e.end), hint: e.why } };
    }
  }
  const warnings: ValueWarning[] = [];
  const hasSmallUnits = result.spans.some((s) => {
    const u = DURATION_UNITS[s.unit].unit;
    return u === 'second' || u === 'minute' || u === 'hour' || u === 'millisecond';
  });
  for (const s of result.spans) {
    if (s.unit === 'M' || ((s.unit === 'month' || s.unit === 'months') && hasSmallUnits)) {
      warnings.push({
        code: 'duration-months',
        message:
          s.unit === 'M'
            ? '"M" means months (30.44 days = 2630016 s); for minutes write "m" or "min"'
            : `"${s.unit}" is months (30.44 days each), mixed here with hours/minutes/seconds; did you mean minutes?`,
        start: u16(s.start),
        end: u16(s.end),
      });
    }
  }
  for (const [a, b] of result.splitNumbers) {
    warnings.push({
      code: 'duration-split-number',
      message: 'whitespace between digits is ignored, so these digits form one number',
      start: u16(a),
      end: u16(b),
    });
  }
  const value: DurationValue = {
    seconds: Number(result.secs) + Number(result.nanos) / 1e9,
    secs: result.secs,
    nanos: Number(result.nanos),
  };
  return warnings.length > 0 ? { ok: true, value, warnings } : { ok: true, value };
}

/** Duration from exact whole seconds and nanoseconds. */
function makeValue(secs: bigint, nanos: bigint): DurationValue {
  return { seconds: Number(secs) + Number(nanos) / 1e9, secs, nanos: Number(nanos) };
}

/**
 * Rust's `Duration::try_from_secs_f64`: exact conversion of the binary float to nanoseconds,
 * rounded to nearest with ties to even. Returns null when negative, not finite or too large.
 */
export function durationFromSecsF64(v: number): { secs: bigint; nanos: bigint } | null {
  if (!Number.isFinite(v) || v < 0) return null;
  if (v === 0) return { secs: 0n, nanos: 0n };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (expBits === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  // value = mant * 2^exp; total nanos = mant * 1e9 * 2^exp
  let total: bigint;
  const scaled = mant * BILLION;
  if (exp >= 0) total = scaled << BigInt(exp);
  else {
    const shift = BigInt(-exp);
    const q = scaled >> shift;
    const r = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    total = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
  }
  const secs = total / BILLION;
  if (secs > U64_MAX) return null;
  return { secs, nanos: total % BILLION };
}

export interface LuaNumberOptions {
  /** The Lua value is a float (e.g. `10.0`, `1e3`) rather than an integer. Inferred when omitted. */
  float?: boolean;
  /**
   * Which kumod code reads the value:
   *  - `serde` (default): config tables via duration_serde; humantime's detail is replaced by
   *    `invalid value: string "...", expected a duration`;
   *  - `http_timeout`: HttpRequest:timeout / WebSocketStream:recv_batch: a Lua INTEGER is rejected
   *    ("invalid timeout duration"), floats and strings work, humantime's message is shown as is;
   *  - `time_parse_duration`: kumo.time.parse_duration: integers may be negative (a TimeDelta).
   */
  callSite?: 'serde' | 'http_timeout' | 'time_parse_duration';
}

/**
 * A duration as kumod's `duration_serde` accepts it from Lua: a non-negative integer number of
 * seconds, a float number of seconds (fractions allowed), or a humantime string.
 */
export function durationFromLua(value: number | bigint | string, opts: LuaNumberOptions = {}): ParseResult<DurationValue> {
  const site = opts.callSite ?? 'serde';
  if (typeof value === 'string') {
    const r = parseDuration(value);
    if (r.ok || site === 'serde') return r;
    // Called directly, kumod shows humantime's own message.
    const { kumodMessage: _omit, ...error } = r.error;
    return { ok: false, error };
  }
  const isFloat = typeof value === 'number' && (opts.float ?? !isLuaInteger(value));
  if (!isFloat) {
    const v = typeof value === 'bigint' ? value : BigInt(value);
    if (site === 'http_timeout') {
      return {
        ok: false,
        error: {
          message: 'invalid timeout duration',
          start: 0,
          end: String(value).length,
          hint: `only a float or a string works here: write ${v}.0 or "${v}s"`,
        },
      };
    }
    if (site === 'time_parse_duration') {
      // chrono TimeDelta::try_seconds: |seconds| <= i64::MAX / 1000.
      if (v > 9_223_372_036_854_775n || v < -9_223_372_036_854_775n) {
        return { ok: false, error: { message: 'seconds out of range', start: 0, end: String(value).length } };
      }
      return { ok: true, value: { seconds: Number(v), secs: v, nanos: 0 } };
    }
    if (v < 0n) {
      return {
        ok: false,
        error: {
          message:
            'duration must either be a string or a positive integer specifying the number of seconds. ' +
            '(error: out of range integral type conversion attempted)',
          start: 0,
          end: String(value).length,
          hint: 'durations cannot be negative',
        },
      };
    }
    return { ok: true, value: makeValue(v, 0n) };
  }
  const v = value as number;
  const d = durationFromSecsF64(v);
  if (d === null) {
    // Rust checks the sign first (so -inf is "negative"), then NaN/too big.
    const why = v < 0 ? 'value is negative' : 'value is either too big or NaN';
    return {
      ok: false,
      error: {
        message: `can not convert float seconds to Duration: ${why}`,
        kumodMessage: `kumod panics (Duration::from_secs_f64): can not convert float seconds to Duration: ${why}`,
        start: 0,
        end: String(v).length,
        ...(v < 0 ? { hint: 'durations cannot be negative' } : {}),
      },
    };
  }
  return { ok: true, value: makeValue(d.secs, d.nanos) };
}

/**
 * humantime's `format_duration` (what kumod prints when it serializes a duration):
 * `1year 2months 3days 4h 5m 6s 7ms 8us 9ns`, zero as `0s`.
 */
export function humantimeFormat(secs: bigint, nanos = 0): string {
  if (secs === 0n && nanos === 0) return '0s';
  const parts: string[] = [];
  const years = secs / 31_557_600n;
  const ydays = secs % 31_557_600n;
  const months = ydays / 2_630_016n;
  const mdays = ydays % 2_630_016n;
  const days = mdays / 86400n;
  const daySecs = mdays % 86400n;
  const plural = (v: bigint, name: string) => {
    if (v > 0n) parts.push(`${v}${name}${v > 1n ? 's' : ''}`);
  };
  const item = (v: bigint | number, name: string) => {
    if (BigInt(v) > 0n) parts.push(`${v}${name}`);
  };
  plural(years, 'year');
  plural(months, 'month');
  plural(days, 'day');
  item(daySecs / 3600n, 'h');
  item((daySecs % 3600n) / 60n, 'm');
  item(daySecs % 60n, 's');
  item(Math.floor(nanos / 1_000_000), 'ms');
  item(Math.floor(nanos / 1000) % 1000, 'us');
  item(nanos % 1000, 'ns');
  return parts.join(' ');
}

/** Words for hover: `1 hour 30 minutes`, `500 milliseconds`, `0 seconds`. */
function durationWords(totalSeconds: number): string {
  if (totalSeconds === 0) return '0 seconds';
  if (totalSeconds < 0) return `minus ${durationWords(-totalSeconds)}`;
  if (totalSeconds < 1e-3) {
    const ns = Math.round(totalSeconds * 1e9);
    if (ns % 1000 === 0) return `${ns / 1000} microsecond${ns === 1000 ? '' : 's'}`;
    return `${ns} nanosecond${ns === 1 ? '' : 's'}`;
  }
  const parts: string[] = [];
  const push = (v: number, one: string) => {
    if (v > 0) parts.push(`${v} ${one}${v === 1 ? '' : 's'}`);
  };
  let whole = Math.floor(totalSeconds);
  const frac = totalSeconds - whole;
  const days = Math.floor(whole / 86400);
  whole -= days * 86400;
  const hours = Math.floor(whole / 3600);
  whole -= hours * 3600;
  const minutes = Math.floor(whole / 60);
  whole -= minutes * 60;
  if (days >= 7 && days % 7 === 0 && hours === 0 && minutes === 0 && whole === 0 && frac === 0) push(days / 7, 'week');
  else push(days, 'day');
  push(hours, 'hour');
  push(minutes, 'minute');
  if (frac > 0 && whole === 0 && parts.length === 0) {
    const ms = Math.round(frac * 1e9) / 1e6;
    return Number.isInteger(ms) ? `${ms} millisecond${ms === 1 ? '' : 's'}` : `${+(frac * 1e3).toPrecision(9)} milliseconds`;
  }
  if (frac > 0) parts.push(`${+(whole + frac).toFixed(9)} seconds`);
  else push(whole, 'second');
  return parts.join(' ');
}

/** Hover text: `20 minutes = 1200 s`, `1 hour 30 minutes = 5400 s`, `500 milliseconds = 0.5 s`. */
export function formatDuration(seconds: number): string {
  const s = +seconds.toFixed(9);
  const words = durationWords(s);
  const plain = Number.isInteger(s) ? String(s) : s.toFixed(9).replace(/0+$/, '');
  return `${words} = ${plain} s`;
}

/** A one-line description of a parsed duration for hovers and diagnostics. */
export function describeDuration(v: DurationValue): string {
  return formatDuration(v.seconds);
}
