/**
 * `min_free_space` / `min_free_inodes` of define_spool and local logs (`MinFree`,
 * crates/kumo-server-common/src/disk_space.rs). The Lua value goes through serde_json::Value:
 *   - string ending in `%`: ONE `%` is stripped, the rest is a Rust u8 (so 0-255: `150%` is
 *     accepted although it can never be satisfied; `+5%` is accepted);
 *   - other strings: Rust u64 number of bytes/inodes (no unit suffixes: `10GB` is an error);
 *   - a Lua integer >= 0: bytes; a negative integer or any float (even `1e9`) is an error.
 * Default: `10%`.
 */
import { isLuaInteger, parseRustUnsigned, U64_MAX, U8_MAX } from './rust';
import type { ParseResult, ValueWarning } from './types';

export type MinFree = { kind: 'percent'; percent: number } | { kind: 'value'; value: number };

export const MIN_FREE_DEFAULT: MinFree = { kind: 'percent', percent: 10 };

export function parseMinFree(text: string): ParseResult<MinFree> {
  if (text.endsWith('%')) {
    const n = text.slice(0, -1);
    const r = parseRustUnsigned(n, U8_MAX);
    if (!r.ok) {
      return {
        ok: false,
        error: {
          message: `invalid MinFree percentage specifier. ${r.message}`,
          start: 0,
          end: n.length,
          ...(r.kind === 'overflow' ? { hint: 'a percentage is at most 100' } : /\./.test(n) ? { hint: 'whole percentages only' } : {}),
        },
      };
    }
    const percent = Number(r.value);
    const warnings: ValueWarning[] = [];
    if (percent > 100) {
      warnings.push({ code: 'min-free-over-100', message: 'more than 100% free can never be satisfied (kumod accepts up to 255%)', start: 0, end: n.length });
    }
    const value: MinFree = { kind: 'percent', percent };
    return warnings.length > 0 ? { ok: true, value, warnings } : { ok: true, value };
  }
  const r = parseRustUnsigned(text, U64_MAX);
  if (!r.ok) {
    return {
      ok: false,
      error: {
        message: `invalid MinFree size specifier. ${r.message}`,
        start: 0,
        end: text.length,
        ...(/^\d+\s*[A-Za-z]+$/.test(text) ? { hint: 'sizes are plain numbers of bytes (no units); or use a percentage like "10%"' } : {}),
      },
    };
  }
  return { ok: true, value: { kind: 'value', value: Number(r.value) } };
}

export function minFreeFromLua(value: string | number | bigint, opts: { float?: boolean } = {}): ParseResult<MinFree> {
  if (typeof value === 'string') return parseMinFree(value);
  const shown = String(value);
  const isFloat = typeof value === 'number' && (opts.float ?? !isLuaInteger(value));
  if (isFloat || BigInt(value as number | bigint) < 0n) {
    const n = isFloat && Number.isInteger(value) ? `${value}.0` : shown;
    return {
      ok: false,
      error: {
        message: `invalid MinFree size specifier. ${n} could not be converted to u64`,
        start: 0,
        end: shown.length,
        hint: isFloat ? 'write a whole number (a float such as 1e9 is rejected)' : 'the size cannot be negative',
      },
    };
  }
  return { ok: true, value: { kind: 'value', value: Number(value) } };
}

export function describeMinFree(m: MinFree): string {
  return m.kind === 'percent' ? `keep at least ${m.percent}% free` : `keep at least ${m.value} free (bytes, or inodes for min_free_inodes)`;
}
