/**
 * Connection limits (`LimitSpec`, crates/throttle/src/lib.rs), used by make_egress_path's
 * `connection_limit` and the values of `additional_connection_limits`. kumod accepts:
 *   - a Lua integer >= 1 ("limit must be 1 or larger" otherwise);
 *   - a string `[local:]N`: `_` and `,` removed, Rust u64 parse, N > 0;
 *   - a table `{limit = N, force_local = bool}`: unknown keys are rejected, `limit` is required,
 *     and (quirk) a zero limit is NOT rejected in this form.
 * A Lua float (even `10.0`) is a type error: only integers reach the numeric visitor.
 */
import { isLuaInteger, isSafe, parseRustUnsigned, U64_MAX } from './rust';
import type { ParseResult, ValueError } from './types';

export interface LimitSpec {
  limit: number;
  forceLocal: boolean;
}

/** `LimitSpec::try_from(&str)`. */
export function parseLimit(text: string): ParseResult<LimitSpec> {
  const forceLocal = text.startsWith('local:');
  const base = forceLocal ? 6 : 0;
  const s = text.slice(base);
  const kept: number[] = [];
  let cleaned = '';
  for (let k = 0; k < s.length; k++) {
    if (s[k] === '_' || s[k] === ',') continue;
    kept.push(k);
    cleaned += s[k];
  }
  const r = parseRustUnsigned(cleaned, U64_MAX);
  if (!r.ok) {
    // kumod quotes the limit with its separators already removed (unlike ThrottleSpec).
    const pinpoint = r.kind === 'invalid-digit' && r.at !== undefined && /[0-9]/.test(cleaned);
    const start = pinpoint ? base + kept[r.at!] : base;
    const error: ValueError = {
      message: `invalid limit '${cleaned}': ${r.message}`,
      start: s === '' ? 0 : start,
      end: pinpoint ? start + 1 : text.length,
    };
    if (/\//.test(s)) error.hint = 'a connection limit is a plain count; rates such as "10/s" belong in throttles';
    else if (s.trim() !== s) error.hint = 'whitespace is not allowed';
    else if (s === '') error.hint = 'write a number, e.g. "10" or "local:10"';
    return { ok: false, error };
  }
  if (r.value === 0n) {
    return {
      ok: false,
      error: { message: `invalid LimitSpec \`${s}\`: limit must be greater than 0!`, start: base, end: text.length },
    };
  }
  const value = { limit: Number(r.value), forceLocal };
  if (!isSafe(r.value)) {
    return { ok: true, value, warnings: [{ code: 'limit-precision', message: 'the limit is above 2^53 and is approximated here', start: 0, end: text.length }] };
  }
  return { ok: true, value };
}

export interface LimitFromLuaOptions {
  /** The Lua number is a float (`10.0`, `1e3`). Inferred from non-integer values when omitted. */
  float?: boolean;
}

/** A LimitSpec from any Lua value kumod would be handed: integer, string or table. */
export function limitFromLua(
  value: number | bigint | string | Readonly<Record<string, unknown>>,
  opts: LimitFromLuaOptions = {},
): ParseResult<LimitSpec> {
  if (typeof value === 'string') return parseLimit(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const shown = String(value);
    if (typeof value === 'number' && (opts.float ?? !isLuaInteger(value))) {
      const f = Number.isInteger(value) ? `${value}.0` : shown;
      return {
        ok: false,
        error: {
          message: `invalid type: floating point \`${f}\`, expected string or numeric limit spec`,
          start: 0,
          end: shown.length,
          hint: 'write a whole number without a decimal point',
        },
      };
    }
    const v = BigInt(value);
    if (v < 1n) return { ok: false, error: { message: 'limit must be 1 or larger', start: 0, end: shown.length } };
    return { ok: true, value: { limit: Number(v), forceLocal: false } };
  }
  let limit: number | undefined;
  let forceLocal = false;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'limit') {
      if (typeof v === 'bigint' ? v < 0n || v > U64_MAX : typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        const what = typeof v === 'number' ? (Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``) : typeof v === 'string' ? `string ${JSON.stringify(v)}` : `${typeof v}`;
        return { ok: false, error: { message: `invalid ${typeof v === 'number' && Number.isInteger(v) ? 'value' : 'type'}: ${what}, expected u64`, start: 0, end: 0 } };
      }
      limit = Number(v);
    } else if (key === 'force_local') {
      if (typeof v !== 'boolean') return { ok: false, error: { message: `invalid type: ${typeof v}, expected a boolean`, start: 0, end: 0 } };
      forceLocal = v;
    } else {
      return { ok: false, error: { message: `unknown field \`${key}\`, expected \`limit\` or \`force_local\``, start: 0, end: 0 } };
    }
  }
  if (limit === undefined) return { ok: false, error: { message: 'missing field `limit`', start: 0, end: 0 } };
  const out: ParseResult<LimitSpec> = { ok: true, value: { limit, forceLocal } };
  if (limit === 0) {
    out.warnings = [
      { code: 'limit-zero', message: 'kumod accepts limit = 0 in the table form (the string and number forms reject it); no connection could ever be made', start: 0, end: 0 },
    ];
  }
  return out;
}

/** kumod's Display: `10` or `local:10`. */
export function formatLimit(l: LimitSpec): string {
  return `${l.forceLocal ? 'local:' : ''}${l.limit}`;
}

export function describeLimit(l: LimitSpec): string {
  return `at most ${l.limit} concurrent connection${l.limit === 1 ? '' : 's'}${l.forceLocal ? ', counted in this process only (even with Redis configured)' : ''}`;
}
